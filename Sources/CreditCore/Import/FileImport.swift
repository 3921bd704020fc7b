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
        source: String
    ) -> any FileImporter {
        category == EntityRegistration.category
            ? EntityImporter(
                registry: registry,
                records: records,
                tables: tables,
                departmentCode: departmentCode,
                today: today,
                source: source
            )
            : RecordImporter(
                catalogue: catalogue,
                store: records,
                departmentCode: departmentCode,
                category: category,
                today: today,
                source: source
            )
    }
}
