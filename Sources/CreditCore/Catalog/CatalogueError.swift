/// A catalogue version that cannot be loaded: `invalid_catalog` (every problem listed) or `catalog_version_exists`.
public typealias CatalogueError = AreaError<Catalogue>
