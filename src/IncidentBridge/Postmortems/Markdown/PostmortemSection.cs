namespace IncidentBridge.Postmortems.Markdown;

/// <summary>The parts of a Markdown postmortem whose prose or list items are kept in the document.</summary>
internal enum PostmortemSection
{
    None,
    Summary,
    RootCause,
    ContributingFactors,
    WhatWentWell,
    WhatWentPoorly,
    LuckyBreaks,
}
