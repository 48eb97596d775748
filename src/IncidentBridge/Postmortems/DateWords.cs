using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems;

/// <summary>
/// Dates as postmortems write them: ISO (<c>2024-01-16</c>, or a full date-time as JSON clients send), and the
/// short forms tables use for due dates (<c>Jan 16</c>, <c>January 16</c>, <c>16 Jan</c>, optionally with a
/// year: <c>Jan 16, 2024</c>). A date-time keeps the calendar date it was written with, whatever its offset.
/// Lists often give a span instead (<c>3 days</c>, <c>1 week</c>, <c>2 weeks</c>, <c>1 month</c>): see <see cref="TryParseSpan"/>.
/// </summary>
internal static partial class DateWords
{
    /// <summary>Number words at the index of their value.</summary>
    private static readonly string[] Counts = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    /// <summary>Reads <paramref name="text"/>; a form without a year takes <paramref name="defaultYear"/>, or fails when that is null.</summary>
    public static bool TryParse(string? text, int? defaultYear, out DateOnly date)
    {
        date = default;
        var value = text?.Trim() ?? "";
        var iso = Iso().Match(value);
        if (iso.Success)
        {
            return (iso.Groups["time"].Length == 0 ||
                    DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)) &&
                DateOnly.TryParseExact(iso.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        }

        var written = MonthFirst().Match(value) is { Success: true } monthFirst ? monthFirst : DayFirst().Match(value);
        if (!written.Success || Month(written.Groups["month"].Value) is not { } month)
        {
            return false;
        }

        var year = written.Groups["year"].Success ? int.Parse(written.Groups["year"].Value, CultureInfo.InvariantCulture) : defaultYear;
        var day = int.Parse(written.Groups["day"].Value, CultureInfo.InvariantCulture);
        if (year is not { } known || known < 1 || known > 9999 || day < 1 || day > DateTime.DaysInMonth(known, month))
        {
            return false;
        }

        date = new DateOnly(known, month, day);
        return true;
    }

    /// <summary>
    /// A due date written as a span from some day: <c>3 days</c>, <c>1 week</c>, <c>2 weeks</c>, <c>1 month</c>, also
    /// <c>in 2 weeks</c>, <c>within 1 week</c>, <c>a week</c>, <c>two weeks</c>. The caller says which day it counts from.
    /// </summary>
    public static bool TryParseSpan(string? text, out DateSpan span)
    {
        span = default;
        var match = Span().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }

        var written = match.Groups["count"].Value.ToLowerInvariant();
        var count = written is "a" or "an" ? 1
            : int.TryParse(written, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
            : Array.IndexOf(Counts, written);
        if (count is < 1 or > 366)
        {
            return false;
        }

        var unit = char.ToLowerInvariant(match.Groups["unit"].Value[0]) switch
        {
            'd' => DateSpanUnit.Day,
            'w' => DateSpanUnit.Week,
            _ => DateSpanUnit.Month,
        };
        span = new DateSpan(count, unit);
        return true;
    }

    /// <summary>1..12 for a month's name or an abbreviation of at least three letters ("Sep", "Sept", "September").</summary>
    private static int? Month(string word)
    {
        var names = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;
        var index = Array.FindIndex(names, name => name.Length > 0 && name.StartsWith(word, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index + 1;
    }

    [GeneratedRegex(@"^(?:(?:in|within)\s+)?(?<count>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*(?<unit>days?|d|weeks?|wks?|w|months?|mo)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Span();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})(?<time>[T ].+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    [GeneratedRegex(@"^(?<month>[A-Za-z]{3,})\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?<year>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthFirst();

    [GeneratedRegex(@"^(?<day>\d{1,2})(?:st|nd|rd|th)?\s+(?<month>[A-Za-z]{3,})\.?,?(?:\s+(?<year>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DayFirst();
}

internal enum DateSpanUnit
{
    Day,
    Week,
    Month,
}

/// <summary>A due date written as a span (<c>2 weeks</c>): <see cref="From"/> the day it counts from.</summary>
internal readonly record struct DateSpan(int Count, DateSpanUnit Unit)
{
    public DateOnly From(DateOnly day) => Unit switch
    {
        DateSpanUnit.Day => day.AddDays(Count),
        DateSpanUnit.Week => day.AddDays(7 * Count),
        _ => day.AddMonths(Count),
    };
}
