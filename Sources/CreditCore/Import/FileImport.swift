/// One department's file, the same way for `credit import` and the upload route (`PUT /api/v1/imports/{id}/file`).
public enum FileImport {
    /// The importer a file of a category takes: ``EntityImporter`` for entity registrations, ``ListingImporter`` for
    /// listing decisions, ``RecordImporter`` for credit records checked against `catalogue` (the version in force).
    public static func importer(
        category: String,
        departmentCode: String,
        catalogue: Catalogue,
        registry: any RegistryStore,
        records: any RecordStore,
        listings: any ListingStore,
        tables: ReferenceTables,
        today: LocalDate,
        source: String,
        mapping: ColumnMapping? = nil
    ) -> any FileImporter {
        switch category {
        case EntityRegistration.category:
            EntityImporter(
                registry: registry,
                records: records,
                tables: tables,
                departmentCode: departmentCode,
                today: today,
                source: source,
                mapping: mapping
            )
        case ListingRequest.category:
            ListingImporter(listings: listings, records: records, departmentCode: departmentCode, source: source, mapping: mapping)
        default:
            RecordImporter(
                catalogue: catalogue,
                store: records,
                departmentCode: departmentCode,
                category: category,
                today: today,
                source: source,
                mapping: mapping
            )
        }
    }

    /// What a file of `category` is, by name and fields: a registration file, a listing file, or the catalogue
    /// category's records; nil for none.
    public static func form(category: String, catalogue: Catalogue) -> (code: String, name: String, fields: [Catalogue.Field])? {
        switch category {
        case EntityRegistration.category: (category, EntityRegistration.title, EntityRegistration.fileFields)
        case ListingRequest.category: (category, ListingRequest.title, ListingRequest.fileFields)
        default: catalogue.category(category).map { ($0.code, $0.name, $0.fields) }
        }
    }

    /// The fields a file of `category` may hold, nil for none.
    public static func fields(category: String, catalogue: Catalogue) -> [Catalogue.Field]? {
        form(category: category, catalogue: catalogue)?.fields
    }

    /// The categories of files that are not catalogue records, as the upload page offers them.
    public static let otherForms: [(code: String, name: String)] = [
        (EntityRegistration.category, EntityRegistration.title + "（登记机关报送）"),
        (ListingRequest.category, ListingRequest.title + "（列入机关报送）"),
    ]
}
