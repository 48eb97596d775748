namespace IncidentBridge.Trackers.Jira;

/// <summary>An Atlassian Document Format document: the only description format Jira Cloud REST v3 accepts.</summary>
internal sealed record AdfDocument(IReadOnlyList<AdfNode> Content)
{
    public string Type => "doc";

    public int Version => 1;
}

/// <summary>A block (<c>paragraph</c>) or inline (<c>text</c>) node; ADF refuses empty text nodes.</summary>
internal sealed record AdfNode(string Type, IReadOnlyList<AdfNode>? Content = null, string? Text = null, IReadOnlyList<AdfMark>? Marks = null);

internal sealed record AdfMark(string Type, AdfMarkAttributes? Attrs = null);

internal sealed record AdfMarkAttributes(string Href);
