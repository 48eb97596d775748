using System.Net;

namespace IncidentBridge.Trackers.Jira;

/// <summary>Classifies a Jira error answer: worth waiting for (unavailable) or wrong in itself (rejected).</summary>
internal static class JiraErrors
{
    private const int MaxBodyInMessage = 2000;

    /// <param name="issueKey">Set when the request names an existing issue: its 404 then says the issue was not found.</param>
    public static async Task<JiraFailure> FromResponseAsync(HttpResponseMessage response, string operation, TimeProvider time, CancellationToken cancellationToken, string? issueKey = null)
    {
        var body = await ReadBodyAsync(response, cancellationToken);
        var fields = response.StatusCode == HttpStatusCode.BadRequest ? Parse(body)?.Errors : null;
        return new JiraFailure(Classify(response, body, operation, time, issueKey), fields ?? new Dictionary<string, string>());
    }

    /// <summary>Rate limits (429, sometimes 503), timeouts and server errors pass; other 4xx need a change on our side.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>Jira's own words: <c>errorMessages</c> and each <c>errors</c> field as "field: message".</summary>
    public static string? ErrorText(string body)
    {
        var errors = Parse(body);
        var parts = (errors?.ErrorMessages ?? [])
            .Concat((errors?.Errors ?? new Dictionary<string, string>()).Select(error => $"{error.Key}: {error.Value}"))
            .ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static Exception Classify(HttpResponseMessage response, string body, string operation, TimeProvider time, string? issueKey)
    {
        var status = (int)response.StatusCode;
        if (IsTransient(response.StatusCode))
        {
            var retryAfter = JiraRetryAfter.From(response, time);
            return new TrackerUnavailableException($"Jira answered {status} {response.ReasonPhrase} to {operation}{Detail(body)}", retryAfter);
        }

        var text = ErrorText(body) ?? Shorten(body);
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new TrackerRejectedException($"Jira rejected {operation} (400): {text}"),

            // Jira answers 404 alike for a deleted issue and one the bot user may no longer browse (e.g. moved to another project).
            HttpStatusCode.NotFound when issueKey is not null =>
                new TrackerRejectedException($"Jira issue {issueKey} was not found (deleted, or moved out of the bot user's reach) during {operation}: {text}"),
            _ => new TrackerRejectedException($"Jira answered {status} {response.ReasonPhrase} to {operation}: {text}"),
        };
    }

    private static JiraErrorResponse? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, JiraJsonContext.Wire.JiraErrorResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The status already says what happened; a body lost on the way adds nothing worth failing for.
            return string.Empty;
        }
    }

    private static string Detail(string body) => string.IsNullOrWhiteSpace(body) ? string.Empty : ": " + (ErrorText(body) ?? Shorten(body));

    private static string Shorten(string body) => JiraText.Truncate(body.Trim(), MaxBodyInMessage);
}

/// <summary>
/// A refused request: the exception the caller sees, and the 400's per-field errors (<c>errors</c>, e.g.
/// <c>assignee</c>) for a caller that can do without that field.
/// </summary>
internal sealed record JiraFailure(Exception Error, IReadOnlyDictionary<string, string> FieldErrors);
