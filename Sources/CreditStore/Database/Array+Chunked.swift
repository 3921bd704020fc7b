extension Array {
    /// The array in consecutive pieces of at most `size` elements (statements carry a bounded number of values).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
