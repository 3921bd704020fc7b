import CreditCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the portal's Mustache templates (resources of this module) inside the common layout.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// What the credit office and administrators are reminded of on every page (a year's holidays to load), if
    /// anything.
    var reminder: @Sendable () -> String? = { nil }

    static func load(reminder: @escaping @Sendable () -> String? = { nil }) async throws -> PageRenderer {
        guard let dir = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources") else {
            throw TemplatesMissing(detail: "Resources/templates is not in the CreditWeb bundle")
        }
        let library = try await MustacheLibrary(directory: dir.path)
        for name in [
            "layout", "home", "search", "entity", "error", "login", "account", "audit", "imports", "rejections", "timeliness", "records", "unmatched",
            "catalog",
        ]
        where library.getTemplate(named: name) == nil {
            throw TemplatesMissing(detail: "template \(name).mustache not found in \(dir.path)")
        }
        return PageRenderer(library: library, reminder: reminder)
    }

    /// A whole HTML page: `template` rendered with `context`, placed in the layout under `title`. The layout
    /// shows who is signed in (`viewer`, nil on error pages) with a sign-out form, or a sign-in link;
    /// every template can use `{{csrf}}` in its forms.
    func page(
        _ template: String,
        title: String,
        context: [String: Any],
        viewer: CreditRequestContext?,
        status: HTTPResponse.Status = .ok,
        query: String = ""
    ) -> Response {
        var context = context
        var layout: [String: Any] = ["title": title, "query": query]
        if let csrf = viewer?.csrfToken {
            context["csrf"] = csrf
            layout["csrf"] = csrf
        }
        if let principal = viewer?.principal {
            layout["viewer"] = ["name": principal.name, "role": principal.role.label]
            layout["mayAudit"] = [.admin, .creditOffice].contains(principal.role)
            if [.admin, .creditOffice].contains(principal.role), let reminder = reminder() { layout["reminder"] = reminder }
            layout["isDepartment"] = principal.role == .department
            layout["mayCheck"] = [.approver, .creditOffice, .admin].contains(principal.role)
            layout["mayRepair"] = [.entity, .department, .creditOffice].contains(principal.role)
            layout["mayCommit"] = [.entity, .department, .creditOffice].contains(principal.role)
            layout["mayReport"] = [.entity, .creditOffice].contains(principal.role)
        }
        layout["content"] = library.render(context, withTemplate: template) ?? ""
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    struct TemplatesMissing: Error, CustomStringConvertible {
        var detail: String
        var description: String { "页面模板缺失 / page templates missing: \(detail)" }
    }

    /// An error page; `signIn`, the page asked for, offers to sign in and come back to it (a 401 on a page).
    func errorPage(status: HTTPResponse.Status, message: String, signIn: String? = nil) -> Response {
        var context: [String: Any] = ["status": String(status.code), "message": message]
        if let signIn { context["signIn"] = "/login?next=\(QueryParameters.encode(signIn))" }
        return page("error", title: "出错了", context: context, viewer: nil, status: status)
    }
}

extension Int {
    /// A count as pages show it, in groups of three: 20,010.
    var grouped: String { formatted(.number.locale(Locale(identifier: "zh_CN"))) }
}
