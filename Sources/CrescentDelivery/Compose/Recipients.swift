import CrescentChannels
import CrescentCore

/// Where a member is reached on each channel, read from the member record.
///
/// | channel | needs | from |
/// | --- | --- | --- |
/// | `sms` | phone | `phone` |
/// | `email` | e-mail address | `email` |
/// | `push` | device token | attribute `push_token` (or `device`) |
/// | `calltask`, `inapp` | member id | `id` (a call task adds the phone when known) |
/// | `webhook` | member id | `id`, with attribute `webhook_url` as the URL when set |
/// | any other | member id | `id`, with every address known, for the plugin to choose |
public enum Recipients {
    /// The recipient for `channel`, or why the member cannot be reached there.
    public static func recipient(for member: Member, channel: String) -> Result<ChannelMessage.Recipient, ComposeFailure> {
        let device = member.attributes["push_token"] ?? member.attributes["device"]
        func missing(_ what: String) -> Result<ChannelMessage.Recipient, ComposeFailure> {
            .failure(ComposeFailure("member \(member.id) has no \(what) for \(channel)"))
        }
        switch channel {
        case "sms":
            guard let phone = nonEmpty(member.phone) else { return missing("phone") }
            return .success(.init(phone: phone, member: member.id))
        case "email":
            guard let email = nonEmpty(member.email) else { return missing("e-mail address") }
            return .success(.init(email: email, member: member.id))
        case "push":
            guard let device = nonEmpty(device) else { return missing("push_token attribute") }
            return .success(.init(device: device, member: member.id))
        case "calltask":
            return .success(.init(phone: nonEmpty(member.phone), member: member.id))
        case "inapp":
            return .success(.init(member: member.id))
        case "webhook":
            return .success(.init(url: nonEmpty(member.attributes["webhook_url"]), member: member.id))
        default:
            return .success(.init(phone: nonEmpty(member.phone), email: nonEmpty(member.email), device: nonEmpty(device),
                                  url: nonEmpty(member.attributes["webhook_url"]), member: member.id))
        }
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return s
    }
}

/// Why a delivery could not become a message; recorded as its failure reason.
public struct ComposeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
