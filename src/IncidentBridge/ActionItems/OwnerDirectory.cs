using IncidentBridge.Trackers;
using Microsoft.Extensions.Options;

namespace IncidentBridge.ActionItems;

/// <summary>
/// Resolves an owner as written ("Carol", "@alice", "sre@acme.io") to tracker identities: the
/// <c>Owners</c> map first (by name, with or without a leading @); else an e-mail address is its own
/// entry and an @handle is taken as a GitHub login.
/// </summary>
internal sealed class OwnerDirectory(IOptions<OwnersOptions> options)
{
    public TrackerAssignee Resolve(string owner)
    {
        var name = owner.Trim();
        if (options.Value.TryGetValue(name, out var contact) || options.Value.TryGetValue(name.TrimStart('@'), out contact))
        {
            return new TrackerAssignee(contact.Email ?? (IsEmail(name) ? name : null), contact.JiraAccountId, contact.GitHubLogin);
        }

        if (IsEmail(name))
        {
            return new TrackerAssignee(name, null, null);
        }

        return name.StartsWith('@') && name.Length > 1 && !name.Contains(' ', StringComparison.Ordinal)
            ? new TrackerAssignee(null, null, name[1..])
            : new TrackerAssignee(null, null, null);
    }

    /// <summary>Where the owner's digest goes, if anywhere.</summary>
    public string? EmailOf(string owner) => Resolve(owner).Email;

    private static bool IsEmail(string value) =>
        value.IndexOf('@', StringComparison.Ordinal) > 0 && value.IndexOf('.', value.IndexOf('@', StringComparison.Ordinal)) > 0 && !value.Contains(' ', StringComparison.Ordinal);
}

/// <summary><c>IncidentBridge:Owners</c>: owner name as written in postmortems → how to reach them in each tool.</summary>
internal sealed class OwnersOptions() : Dictionary<string, OwnerContact>(StringComparer.OrdinalIgnoreCase)
{
    public const string Section = "IncidentBridge:Owners";
}

internal sealed class OwnerContact
{
    public string? Email { get; set; }

    public string? JiraAccountId { get; set; }

    public string? GitHubLogin { get; set; }
}
