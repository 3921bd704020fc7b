/// Control characters in what departments and visitors send: U+0000–U+001F except tab, line feed and carriage return,
/// and U+007F. Never part of a decision or a name (a NUL byte comes from a broken export), and PostgreSQL's `text`
/// cannot hold U+0000 at all: validators refuse them, and what quotes them shows them.
extension String {
    /// Whether the text holds a control character (a scan of its bytes: every field of every row passes here).
    public var containsControlCharacter: Bool {
        utf8.contains { Unicode.Scalar($0).isRefusedControl }
    }

    /// Each control character shown by its picture (U+2400–U+241F, ␡ for U+007F): for a person to see where it is.
    public var showingControlCharacters: String {
        mappingControlCharacters { Unicode.Scalar($0.value == 0x7F ? 0x2421 : 0x2400 + $0.value) }
    }

    /// The text without its control characters: a form's field filled for correction (a browser would turn U+0000
    /// into U+FFFD, which would then be stored).
    public var removingControlCharacters: String { mappingControlCharacters { _ in nil } }

    /// Each control character replaced by U+FFFD (�): for stored texts that quote what was sent.
    public var replacingControlCharacters: String { mappingControlCharacters { _ in "\u{FFFD}" } }

    /// Whether the text holds U+FFFD (�), the mark a conversion leaves where it could not read a character (see
    /// `RecordValidator.unusableText`).
    public var containsReplacementCharacter: Bool {
        var utf8 = self.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == 0xEF else { continue }
            if utf8.next() == 0xBF, utf8.next() == 0xBD { return true }
        }
        return false
    }

    /// The text with each control character replaced by what `transform` gives (nothing: left out).
    private func mappingControlCharacters(_ transform: (Unicode.Scalar) -> Unicode.Scalar?) -> String {
        guard containsControlCharacter else { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if !scalar.isRefusedControl {
                scalars.append(scalar)
            } else if let replacement = transform(scalar) {
                scalars.append(replacement)
            }
        }
        return String(scalars)
    }
}

extension Unicode.Scalar {
    /// U+0000–U+001F but tab, line feed and carriage return, or U+007F. (A byte of UTF-8 read as a scalar answers the
    /// same: the bytes of longer sequences are 0x80 and above.)
    fileprivate var isRefusedControl: Bool {
        (value < 0x20 && self != "\t" && self != "\n" && self != "\r") || value == 0x7F
    }
}
