namespace IncidentBridge.Postmortems;

/// <summary>
/// A postmortem as written (the JSON model, or read from one of the Markdown templates): values are
/// raw text, <see cref="PostmortemNormalizer"/> checks and normalises them.
/// </summary>
internal sealed record PostmortemDocument
{
    public string? Title { get; init; }

    public string? IncidentId { get; init; }

    public string? Date { get; init; }

    public string? Severity { get; init; }

    public string? Status { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    public string? Summary { get; init; }

    public JsonElement? Impact { get; init; }

    public List<PostmortemTimelineEntry>? Timeline { get; init; }

    public string? RootCause { get; init; }

    public List<string>? ContributingFactors { get; init; }

    public List<FiveWhy>? FiveWhys { get; init; }

    public List<string>? WhatWentWell { get; init; }

    public List<string>? WhatWentPoorly { get; init; }

    public List<string>? LuckyBreaks { get; init; }

    public List<ActionItemInput>? ActionItems { get; init; }
}

internal sealed record PostmortemTimelineEntry(string? Time, string? Event, string? Actor);

internal sealed record FiveWhy(string? Question, string? Answer);
