using System.Diagnostics.CodeAnalysis;

namespace IncidentBridge.Postmortems;

/// <summary>
/// Checks a <see cref="PostmortemDocument"/> (from JSON or from <see cref="Markdown.MarkdownPostmortemReader"/>) and turns
/// it into a <see cref="Postmortem"/>. Metadata is forgiving, because templates arrive half filled in: an unknown
/// severity or date reads as null, an unknown status as published (see <see cref="StatusWords.Postmortem"/>).
/// Action items are refused only for what cannot be filed or would file the wrong thing: a missing description or
/// owner, an id or an issue named twice, an issue key that cannot be read (adopting a wrong issue, or making a second
/// one for work that has one, cannot be undone). An odd word in an optional field (a type of <c>other</c>, an unknown
/// priority, status or due date) is kept as written or left empty, with a warning that names the item and field, so
/// one cell never costs a team every item of a postmortem. Places are named as <see cref="ActionItemPlace"/> does:
/// <c>actionItems[2].priority</c> for JSON, <c>table 2 "Action Items", row 3, Priority</c> for Markdown.
/// </summary>
internal static class PostmortemNormalizer
{
    /// <param name="document">The postmortem as written.</param>
    /// <param name="defaultYear">
    /// The year for due dates written without one ("Jan 16") when the postmortem has no date of its own to lend its
    /// year; the caller passes the incident's year.
    /// </param>
    /// <param name="postedOn">
    /// The day due dates written as a span ("1 week") count from when the postmortem has neither a date nor a
    /// <c>publishedAt</c>: the day it was first posted, so a re-post does not move them.
    /// </param>
    public static NormalizeResult Normalize(PostmortemDocument document, int defaultYear, DateOnly postedOn)
    {
        var title = document.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            return NormalizeResult.Fail("title", "A postmortem needs a title: \"title\" in JSON, a '# …' heading in Markdown.");
        }

        DateOnly? date = DateWords.TryParse(document.Date, defaultYear: null, out var written) ? written : null;
        var dates = new DueDates(date?.Year ?? defaultYear, StartOfSpans(date, document.PublishedAt, postedOn));
        var warnings = new List<string>();
        var inputs = document.ActionItems ?? [];
        var items = new List<ActionItem>(inputs.Count);
        // Only ids the author chose must be unique: items without one may repeat a description (two teams each
        // "Add a runbook", three rows "Update package versions" each with its own pull request), they are told apart
        // by the rest of the row and their place. One issue is adopted by one item only.
        var firstWithId = new Dictionary<string, ActionItemPlace>(StringComparer.Ordinal);
        var firstWithTicket = new List<(string Key, ActionItemPlace Place)>();
        for (var index = 0; index < inputs.Count; index++)
        {
            var input = inputs[index];
            var place = new ActionItemPlace(input?.Location, index);
            if (!TryNormalize(input, place, dates, warnings, out var item, out var error))
            {
                return new NormalizeResult(null, error);
            }

            if (item.Id is { } id)
            {
                if (firstWithId.TryGetValue(id, out var first))
                {
                    return NormalizeResult.Fail(
                        place.Field("id", "ID"),
                        $"Action item id \"{id}\" is already used by {first.Item}; each action item needs its own id, or re-posting could not tell them apart.");
                }

                firstWithId.Add(id, place);
            }

            if (item.TrackerKey is { } ticket)
            {
                if (firstWithTicket.FirstOrDefault(named => string.Equals(named.Key, ticket, StringComparison.OrdinalIgnoreCase)) is { Key: not null } earlier)
                {
                    return NormalizeResult.Fail(
                        TrackerKeyField(input!, place),
                        $"Issue {ticket} is already named by {earlier.Place.Item}; an issue can stand for one action item only.");
                }

                firstWithTicket.Add((ticket, place));
            }

            items.Add(item);
        }

        if (dates.SpansCounted is { } span && dates.Start.Source != SpanSource.PostmortemDate)
        {
            var from = dates.Start.Source == SpanSource.PublishedAt ? "its publishedAt" : "the day the postmortem was first posted";
            var day = dates.Start.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            warnings.Add(
                $"{span.Place}: due date \"{span.Written}\", and every due date written as a span, is counted from {day}, {from}, " +
                "because the postmortem has no date of its own; give it a date to count from that.");
        }

        return NormalizeResult.Success(
            new Postmortem(
                title,
                date,
                SeverityWords.Normalize(document.Severity),
                StatusWords.Postmortem(document.Status),
                document.PublishedAt,
                Text(document.Summary),
                Text(document.RootCause),
                items,
                document),
            warnings);
    }

    private static bool TryNormalize(
        ActionItemInput? input,
        ActionItemPlace place,
        DueDates dates,
        List<string> warnings,
        [NotNullWhen(true)] out ActionItem? item,
        [NotNullWhen(false)] out PayloadError? error)
    {
        item = null;
        error = null;
        if (input is null)
        {
            error = new PayloadError(place.Item, "An action item must be an object.");
        }
        else if (Text(input.Description) is not { } description)
        {
            error = new PayloadError(place.Field("description", "Description"), "An action item needs a description: what is to be done.");
        }
        else if (Text(input.Owner) is not { } owner)
        {
            error = new PayloadError(place.Field("owner", "Owner"), "An action item needs an owner: who will do it.");
        }
        else if (!TryTrackerKey(input, place, warnings, out var trackerKey))
        {
            error = new PayloadError(TrackerKeyField(input, place), $"\"{TrackerKeyText(input)}\" is not an issue key: {TrackerKeys.Expected}.");
        }
        else
        {
            item = new ActionItem
            {
                Id = Text(input.Id),
                Description = description,
                Type = Type(input.Type, place, warnings),
                Horizon = ActionItemTypes.Horizon(input.Type),
                Owner = owner,
                Priority = Priority(input.Priority, place, warnings),
                DueDate = dates.Read(input.DueDate, place, warnings),
                Status = Status(input.Status, place, warnings),
                TrackerKey = trackerKey,
            };
            return true;
        }

        return false;
    }

    /// <summary>A type is optional; one we do not know is kept as written (the issue shows it), with a warning.</summary>
    private static string? Type(string? text, ActionItemPlace place, List<string> warnings)
    {
        if (Filled(text) is not { } written)
        {
            return null;
        }

        if (ActionItemTypes.Find(written) is { } type)
        {
            return type;
        }

        warnings.Add($"{place.Field("type", "Type")}: type \"{written}\" is not one we know ({ActionItemTypes.Known}); kept as written.");
        return written;
    }

    /// <summary>An unknown priority cannot be kept as written (it labels the issue and sets its priority field): it is left to the default.</summary>
    private static string Priority(string? text, ActionItemPlace place, List<string> warnings)
    {
        if (PriorityWords.Normalize(Filled(text)) is { } priority)
        {
            return priority;
        }

        warnings.Add(
            $"{place.Field("priority", "Priority")}: priority \"{text?.Trim()}\" is not one we know (P0, P1, P2, P3, Critical, High, Medium, Low); " +
            $"the item takes {PriorityWords.Default}.");
        return PriorityWords.Default;
    }

    private static string Status(string? text, ActionItemPlace place, List<string> warnings)
    {
        if (StatusWords.ActionItem(Filled(text)) is { } status)
        {
            return status;
        }

        warnings.Add(
            $"{place.Field("status", "Status")}: status \"{text?.Trim()}\" is not one we know (Open, In Progress, Done, Pending, Not Started, Complete…); " +
            "the item is open.");
        return ActionItemStatus.Open;
    }

    /// <summary>
    /// No key, or a filler word ("TBD", "-"), means no issue yet. A pull request is not an issue: the item gets one of its
    /// own (said in a warning). Anything else must be a key we can look up.
    /// </summary>
    private static bool TryTrackerKey(ActionItemInput input, ActionItemPlace place, List<string> warnings, out string? trackerKey)
    {
        trackerKey = null;
        var text = TrackerKeyText(input);
        if (text is not null && TrackerKeys.IsPullRequest(text))
        {
            warnings.Add($"{TrackerKeyField(input, place)}: \"{text}\" is a pull request, not an issue: not adopted; the item gets an issue of its own.");
            return true;
        }

        return text is null || TrackerKeys.IsNone(text) || TrackerKeys.TryNormalize(text, out trackerKey);
    }

    private static string? TrackerKeyText(ActionItemInput input) => Text(input.TrackerKey) ?? Text(input.JiraTicket);

    private static string TrackerKeyField(ActionItemInput input, ActionItemPlace place) =>
        place.Field(Text(input.TrackerKey) is null && Text(input.JiraTicket) is not null ? "jiraTicket" : "trackerKey", "Ticket");

    /// <summary>The postmortem's own date when it has one, else its publishedAt, else the day it was first posted.</summary>
    private static SpanStart StartOfSpans(DateOnly? date, DateTimeOffset? publishedAt, DateOnly postedOn) =>
        date is { } day ? new(day, SpanSource.PostmortemDate)
        : publishedAt is { } published ? new(DateOnly.FromDateTime(published.UtcDateTime), SpanSource.PublishedAt)
        : new(postedOn, SpanSource.PostedOn);

    private static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Text, but null for the fillers that mean "not decided yet" ("-", "TBD", "n/a").</summary>
    private static string? Filled(string? text) => Text(text) is { } written && !TrackerKeys.IsNone(written) ? written : null;

    private enum SpanSource
    {
        PostmortemDate,
        PublishedAt,
        PostedOn,
    }

    private readonly record struct SpanStart(DateOnly Day, SpanSource Source);

    /// <summary>Reads due dates; remembers the first one written as a span, so one warning can say what it counted from.</summary>
    private sealed class DueDates(int year, SpanStart start)
    {
        public SpanStart Start => start;

        public (string Place, string Written)? SpansCounted { get; private set; }

        /// <summary>Empty, "TBD" and a dash mean no due date yet; a date, or a span from <see cref="Start"/>; anything else is left empty, with a warning.</summary>
        public DateOnly? Read(string? text, ActionItemPlace place, List<string> warnings)
        {
            var value = text?.Trim() ?? "";
            if (value.Length == 0 || value is "-" or "–" or "—" || value.Equals("TBD", StringComparison.OrdinalIgnoreCase) ||
                value.Equals("n/a", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (DateWords.TryParse(value, year, out var date))
            {
                return date;
            }

            var field = place.Field("dueDate", "Due Date");
            if (DateWords.TryParseSpan(value, out var span))
            {
                SpansCounted ??= (field, value);
                return span.From(start.Day);
            }

            warnings.Add($"{field}: due date \"{value}\" is not a date (2024-01-16, Jan 16, 16 Jan 2024) or a span (3 days, 2 weeks, 1 month); left empty.");
            return null;
        }
    }
}

/// <summary>
/// A postmortem checked and normalised, or the first problem found in it. <see cref="Warnings"/> name what was written
/// but not taken as written (an unknown type kept as it is, a status read as open…).
/// </summary>
internal sealed record NormalizeResult(Postmortem? Postmortem, PayloadError? Error)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];

    [MemberNotNullWhen(true, nameof(Postmortem))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Postmortem is not null;

    public static NormalizeResult Success(Postmortem postmortem, IReadOnlyList<string> warnings) => new(postmortem, null) { Warnings = warnings };

    public static NormalizeResult Fail(string field, string detail) => new(null, new PayloadError(field, detail));
}
