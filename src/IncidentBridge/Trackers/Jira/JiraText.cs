namespace IncidentBridge.Trackers.Jira;

internal static class JiraText
{
    /// <summary>Jira's limit for a summary, a label, and (in characters) a description.</summary>
    public const int MaxSummaryLength = 255;
    public const int MaxLabelLength = 255;
    public const int MaxDescriptionLength = 32_767;

    public const string TruncatedNote = " … (truncated)";

    /// <summary>At most <paramref name="maxLength"/> characters, never splitting a surrogate pair.</summary>
    public static string Truncate(string value, int maxLength)
    {
        if (value.Length <= maxLength)
        {
            return value;
        }

        var length = Math.Max(0, maxLength);
        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value[..length];
    }

    /// <summary>Jira refuses a summary containing line breaks.</summary>
    public static string SingleLine(string value) =>
        string.Join(' ', value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>"INC-12 — Checkout down", or the id alone when the title is empty.</summary>
    public static string Titled(string id, string title) =>
        string.IsNullOrWhiteSpace(title) ? id : $"{id} — {title}";
}
