import Foundation

/// An address the platform posts to (a linked system's webhook, a department's reminder endpoint): http or https, at
/// most 500 characters, under a prefix the credit office allows (`/api/v1/webhook-allow-list`).
public enum WebhookAddress {
    /// Why `url` is not accepted — a stable code and a message in Chinese and English — or nil when it is.
    public static func problem(_ url: String, allowList: [String]) -> (code: String, message: String)? {
        let lower = url.lowercased()
        guard url.count <= 500, lower.hasPrefix("https://") || lower.hasPrefix("http://"), URL(string: url)?.host != nil else {
            return ("invalid_webhook", "回调地址应为 http 或 https 网址 / the webhook must be an http or https URL")
        }
        guard allowList.contains(where: { url.hasPrefix($0) }) else {
            return ("webhook_not_allowed", "回调地址不在信用办允许的范围内 / the webhook is not under an address the credit office allows")
        }
        return nil
    }
}
