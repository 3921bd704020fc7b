/// One area's routes: what it serves under `/api/v1` (`api`) and at the site's root (`pages`), each declared with
/// its access through ``SecuredRoutes``. ``buildRouter(configuration:dependencies:accessTable:)`` adds every area's, one
/// line each.
protocol AreaRoutes {
    func addRoutes(api: SecuredRoutes, pages: SecuredRoutes)
}
