using System.Text.Json;

namespace IncidentBridge.Trackers.Jira;

/// <summary>The description in the format of the configured API version.</summary>
internal static class JiraDescriptions
{
    public const string OwnerNotMatched = "Owner could not be matched to a Jira user.";

    public static JsonElement Render(JiraOptions options, IssueContent content, bool ownerMatched) =>
        options.IsCloud
            ? AdfDescription.Render(content, ownerMatched)
            : JsonSerializer.SerializeToElement(WikiDescription.Render(content, ownerMatched), JiraJsonContext.Wire.String);
}
