using System.Diagnostics.CodeAnalysis;
using IncidentBridge.Api;

namespace IncidentBridge.Postmortems;

/// <summary>
/// Checks a <see cref="PostmortemDocument"/> (from JSON or from <see cref="MarkdownPostmortemReader"/>) and turns
/// it into a <see cref="Postmortem"/>. Metadata is forgiving, because templates arrive half filled in: an unknown
/// severity or date reads as null, an unknown status as published (see <see cref="StatusWords.Postmortem"/>).
/// Action items are strict, because each becomes a tracker issue: the first bad value is an error naming the item
/// and field (see <see cref="ActionItemPlace"/>: <c>actionItems[2].priority</c> for JSON,
/// <c>table 2 "Action Items", row 3, Priority</c> for Markdown).
/// </summary>
internal static class PostmortemNormalizer
{
    /// <param name="document">The postmortem as written.</param>
    /// <param name="defaultYear">
    /// The year for due dates written without one ("Jan 16") when the postmortem has no date of its own to lend its
    /// year; the caller passes the current year.
    /// </param>
    public static NormalizeResult Normalize(PostmortemDocument document, int defaultYear)
    {
        var title = document.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            return NormalizeResult.Fail("title", "A postmortem needs a title: \"title\" in JSON, a '# …' heading in Markdown.");
        }

        DateOnly? date = DateWords.TryParse(document.Date, defaultYear: null, out var written) ? written : null;
        var inputs = document.ActionItems ?? [];
        var items = new List<ActionItem>(inputs.Count);
        // Only ids the author chose must be unique: items without one may repeat a description (two teams each
        // "Add a runbook"), they are told apart by the rest of the row. One issue is adopted by one item only.
        var firstWithId = new Dictionary<string, ActionItemPlace>(StringComparer.Ordinal);
        var firstWithTicket = new List<(string Key, ActionItemPlace Place)>();
        for (var index = 0; index < inputs.Count; index++)
        {
            var input = inputs[index];
            var place = new ActionItemPlace(input?.Location, index);
            if (!TryNormalize(input, place, date?.Year ?? defaultYear, out var item, out var error))
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

        return NormalizeResult.Success(new Postmortem(
            title,
            date,
            SeverityWords.Normalize(document.Severity),
            StatusWords.Postmortem(document.Status),
            document.PublishedAt,
            Text(document.Summary),
            Text(document.RootCause),
            items,
            document));
    }

    private static bool TryNormalize(
        ActionItemInput? input,
        ActionItemPlace place,
        int year,
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
        else if (PriorityWords.Normalize(input.Priority) is not { } priority)
        {
            error = new PayloadError(
                place.Field("priority", "Priority"),
                $"Priority \"{input.Priority}\" is not one we know: use P0, P1, P2 or P3, or Critical, High, Medium or Low.");
        }
        else if (!TryDueDate(input.DueDate, year, out var dueDate))
        {
            error = new PayloadError(
                place.Field("dueDate", "Due Date"),
                $"Due date \"{input.DueDate}\" is not a date: use 2024-01-16, \"Jan 16\" or \"16 Jan 2024\", or leave it empty or TBD.");
        }
        else if (StatusWords.ActionItem(input.Status) is not { } status)
        {
            error = new PayloadError(
                place.Field("status", "Status"),
                $"Status \"{input.Status}\" is not one we know: use Open, In Progress or Done (or Pending, Not Started, Complete…).");
        }
        else if (!TryType(input.Type, out var type))
        {
            error = new PayloadError(
                place.Field("type", "Type"),
                $"Type \"{input.Type}\" is not one we know: use prevent, detect, mitigate or process.");
        }
        else if (!TryTrackerKey(input, out var trackerKey))
        {
            error = new PayloadError(TrackerKeyField(input, place), $"\"{TrackerKeyText(input)}\" is not an issue key: {TrackerKeys.Expected}.");
        }
        else
        {
            item = new ActionItem
            {
                Id = Text(input.Id),
                Description = description,
                Type = type,
                Owner = owner,
                Priority = priority,
                DueDate = dueDate,
                Status = status,
                TrackerKey = trackerKey,
            };
            return true;
        }

        return false;
    }

    /// <summary>No key, or a filler word ("TBD", "-"), means no issue yet; anything else must be a key we can look up.</summary>
    private static bool TryTrackerKey(ActionItemInput input, out string? trackerKey)
    {
        trackerKey = null;
        var text = TrackerKeyText(input);
        return text is null || TrackerKeys.IsNone(text) || TrackerKeys.TryNormalize(text, out trackerKey);
    }

    private static string? TrackerKeyText(ActionItemInput input) => Text(input.TrackerKey) ?? Text(input.JiraTicket);

    private static string TrackerKeyField(ActionItemInput input, ActionItemPlace place) =>
        place.Field(Text(input.TrackerKey) is null && Text(input.JiraTicket) is not null ? "jiraTicket" : "trackerKey", "Ticket");

    /// <summary>A type is optional; when given it must be one we know.</summary>
    private static bool TryType(string? text, out string? type)
    {
        type = Text(text) is { } written ? ActionItemTypes.Find(written) : null;
        return type is not null || Text(text) is null;
    }

    /// <summary>Empty, "TBD" and a dash mean no due date yet; otherwise it must be a date.</summary>
    private static bool TryDueDate(string? text, int year, out DateOnly? dueDate)
    {
        dueDate = null;
        var value = text?.Trim() ?? "";
        if (value.Length == 0 || value is "-" or "–" or "—" || value.Equals("TBD", StringComparison.OrdinalIgnoreCase) ||
            value.Equals("n/a", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!DateWords.TryParse(value, year, out var date))
        {
            return false;
        }

        dueDate = date;
        return true;
    }

    private static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>A postmortem checked and normalised, or the first problem found in it.</summary>
internal sealed record NormalizeResult(Postmortem? Postmortem, PayloadError? Error)
{
    [MemberNotNullWhen(true, nameof(Postmortem))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Postmortem is not null;

    public static NormalizeResult Success(Postmortem postmortem) => new(postmortem, null);

    public static NormalizeResult Fail(string field, string detail) => new(null, new PayloadError(field, detail));
}
