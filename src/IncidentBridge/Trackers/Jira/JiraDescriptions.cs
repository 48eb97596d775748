using System.Text.Json;

namespace IncidentBridge.Trackers.Jira;

/// <summary>The description in the format of the configured API version.</summary>
internal static class JiraDescriptions
{
    public const string OwnerNotMatched = "Owner could not be matched to a Jira user.";

    public const string OwnerNotAssignable = "(could not be assigned in Jira)";

    public static JsonElement Render(JiraOptions options, IssueContent content, JiraOwner owner) =>
        options.IsCloud
            ? AdfDescription.Render(content, owner)
            : JsonSerializer.SerializeToElement(WikiDescription.Render(content, owner), JiraJsonContext.Wire.String);

    /// <summary>The owner as the description names them: with a note when the issue could not be given to them.</summary>
    public static string OwnerLine(IssueContent content, JiraOwner owner) =>
        owner == JiraOwner.NotAssignable ? $"{content.Owner} {OwnerNotAssignable}" : content.Owner;
}

/// <summary>What became of the item's owner on the issue; the description says so when it is not the assignee.</summary>
internal enum JiraOwner
{
    /// <summary>A Jira user was found and is sent as the assignee.</summary>
    Matched,

    /// <summary>No single Jira user matches the owner.</summary>
    NotMatched,

    /// <summary>A user was found, but Jira refused to assign the issue to them (400 on <c>assignee</c>).</summary>
    NotAssignable,
}
