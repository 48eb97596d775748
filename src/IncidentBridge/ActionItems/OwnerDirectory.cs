namespace IncidentBridge.ActionItems;

/// <summary>
/// Resolves an owner as written ("Carol", "@alice", "dave", "sre@acme.io") to a person and their tracker identities.
/// Names, aliases, handles and e-mail addresses of one <c>Owners</c> entry are one person, matched case-insensitively,
/// with or without a leading @; an owner no entry knows is a person of their own: an e-mail address is their address,
/// an @handle their GitHub login.
/// </summary>
internal sealed class OwnerDirectory
{
    private readonly OwnersOptions _owners;
    private readonly Dictionary<string, string> _personBySpelling = new(StringComparer.OrdinalIgnoreCase);

    // Jira account ids are case-sensitive; GitHub logins are not.
    private readonly Dictionary<string, string> _ownerByJiraAccount = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _ownerByGitHubLogin = new(StringComparer.OrdinalIgnoreCase);

    public OwnerDirectory(IOptions<OwnersOptions> options)
    {
        _owners = options.Value;
        foreach (var (name, contact) in _owners)
        {
            foreach (var spelling in new[] { name, contact.Email }.Concat(contact.Aliases ?? []))
            {
                if (!string.IsNullOrWhiteSpace(spelling))
                {
                    _personBySpelling.TryAdd(Bare(spelling), name);
                }
            }

            if (!string.IsNullOrWhiteSpace(contact.JiraAccountId))
            {
                _ownerByJiraAccount.TryAdd(Bare(contact.JiraAccountId), name);
            }

            if (!string.IsNullOrWhiteSpace(contact.GitHubLogin))
            {
                _ownerByGitHubLogin.TryAdd(Bare(contact.GitHubLogin), name);
            }
        }
    }

    /// <summary>
    /// Who <paramref name="owner"/> is: the <c>Owners</c> name it spells (by name, alias or e-mail address), else the
    /// owner as written without a leading @, lower-cased, so "Dave", "dave" and "@dave" are one person either way.
    /// </summary>
    public string PersonOf(string owner) =>
        _personBySpelling.TryGetValue(Bare(owner), out var name) ? name : Bare(owner).ToLowerInvariant();

    public TrackerAssignee Resolve(string owner)
    {
        var name = owner.Trim();
        if (_personBySpelling.TryGetValue(Bare(name), out var person) && _owners.TryGetValue(person, out var contact))
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

    /// <summary>
    /// The owner a tracker names <paramref name="assignee"/> (Jira: an accountId, or a name on Data Center; GitHub: a
    /// login): the <c>Owners</c> entry whose <c>JiraAccountId</c> or <c>GitHubLogin</c> it is, else null.
    /// </summary>
    public string? OwnerOf(string tracker, string assignee) =>
        IdsOf(tracker).TryGetValue(Bare(assignee), out var name) ? name : null;

    /// <summary>Whether <paramref name="owner"/> is the person the tracker names <paramref name="assignee"/>.</summary>
    public bool IsAssignee(string owner, string tracker, string assignee)
    {
        var resolved = Resolve(owner);
        var id = tracker == TrackerNames.GitHub ? resolved.GitHubLogin : resolved.JiraAccountId;
        return id is not null && IdsOf(tracker).Comparer.Equals(Bare(id), Bare(assignee));
    }

    private Dictionary<string, string> IdsOf(string tracker) => tracker == TrackerNames.GitHub ? _ownerByGitHubLogin : _ownerByJiraAccount;

    /// <summary>Where the owner's digest goes, if anywhere.</summary>
    public string? EmailOf(string owner) => Resolve(owner).Email;

    /// <summary>The person who receives <paramref name="owner"/>'s escalated items (<c>Owners:&lt;name&gt;:Lead</c>), or null.</summary>
    public string? LeadOf(string owner) =>
        _owners.TryGetValue(PersonOf(owner), out var contact) && !string.IsNullOrWhiteSpace(contact.Lead) ? PersonOf(contact.Lead) : null;

    private static string Bare(string spelling) => spelling.Trim().TrimStart('@');

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

    /// <summary>Other spellings of the same person: <c>dave</c>, <c>@dave</c>, <c>dave@acme.io</c>.</summary>
    public string[]? Aliases { get; set; }

    /// <summary>Who receives this person's escalated items: a name in <c>Owners</c>, or an e-mail address.</summary>
    public string? Lead { get; set; }
}
