/// One department's file, the same way for `credit import` and the upload route (`PUT /api/v1/imports/{id}/file`).
public enum FileImport {
    /// The importer a file of a category takes: ``EntityImporter`` for entity registrations, ``RecordImporter`` for
    /// credit records checked against `catalogue` (the version in force).
    public static func importer(
        category: String,
        departmentCode: String,
        catalogue: Catalogue,
        registry: any RegistryStore,
        records: any RecordStore,
        tables: ReferenceTables,
        today: LocalDate,
        source: String,
        mapping: ColumnMapping? = nil
    ) -> any FileImporter {
        category == EntityRegistration.category
            ? EntityImporter(
                registry: registry,
                records: records,
                tables: tables,
                departmentCode: departmentCode,
                today: today,
                source: source,
                mapping: mapping
            )
            : RecordImporter(
                catalogue: catalogue,
                store: records,
                departmentCode: departmentCode,
                category: category,
                today: today,
                source: source,
                mapping: mapping
            )
    }

    /// The fields a file of `category` may hold (a registration file's, or the catalogue category's), nil for none.
    public static func fields(category: String, catalogue: Catalogue) -> [Catalogue.Field]? {
        category == EntityRegistration.category ? EntityRegistration.fileFields : catalogue.category(category)?.fields
    }
}
