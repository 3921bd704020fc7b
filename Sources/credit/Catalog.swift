import ArgumentParser
import CreditCore
import CreditStore
import Foundation

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "信用信息目录 / the catalogue of credit information categories.",
        subcommands: [Load.self, Show.self]
    )

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "加载新版本目录 / load a new catalogue version (JSON, as GET /api/v1/catalog shows it), effective today or later.",
            discussion: "A running server puts it in force within a minute (as PUT /api/v1/catalog does at once)."
        )
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The catalogue JSON file.") var file: String

        func run() async throws {
            let catalogue: Catalogue
            do {
                catalogue = try JSONDecoder().decode(Catalogue.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw ValidationError("无法读取目录文件 / cannot read the catalogue file: \(error)")
            }
            try await db.withStores(logger: Log.make("credit")) { stores in
                try await stores.catalogueStore.load(catalogue, loadedBy: "cli")
            }
            print("已加载目录 \(catalogue.version)，\(catalogue.effectiveFrom) 起生效，\(catalogue.categories.count) 个类别 / loaded")
            print("运行中的服务一分钟内启用 / a running server puts it in force within a minute")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出目录版本 / list the catalogue versions and their effective dates.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let versions = try await db.withStores(logger: Log.make("credit")) { stores in
                stores.catalogues.all
            }
            for c in versions { print("\(c.version)\t\(c.effectiveFrom)\t\(c.categories.count) categories") }
        }
    }
}
