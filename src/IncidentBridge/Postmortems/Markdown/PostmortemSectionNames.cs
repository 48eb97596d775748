namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// Which heading, bold label (<c>**Contributing Factors:**</c>) or field name (<c>- **What went well**: …</c>)
/// starts which <see cref="PostmortemSection"/>. Names match whole, ignoring case and a trailing colon, so
/// "Incident Summary" (the metadata table's heading in the template) and "Root Cause Analysis" (the five whys)
/// are not mistaken for the summary or the root cause.
/// </summary>
internal static class PostmortemSectionNames
{
    public static PostmortemSection Find(string name) => MarkdownText.Key(name).Replace('\u2019', '\'') switch
    {
        "summary" or "executive summary" or "quick summary" => PostmortemSection.Summary,
        "root cause" or "primary cause" => PostmortemSection.RootCause,
        "contributing factors" => PostmortemSection.ContributingFactors,
        "what went well" => PostmortemSection.WhatWentWell,
        "what went poorly" or "what went wrong" or "what didn't go well" or "what did not go well" or
            "what could be improved" or "what could improve" =>
            PostmortemSection.WhatWentPoorly,
        "lucky breaks" or "where we got lucky" => PostmortemSection.LuckyBreaks,
        _ => PostmortemSection.None,
    };

    /// <summary>Summary and root cause are prose; the others are lists.</summary>
    public static bool IsProse(PostmortemSection section) =>
        section is PostmortemSection.Summary or PostmortemSection.RootCause;
}
