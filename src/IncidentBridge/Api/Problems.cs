using Microsoft.AspNetCore.Mvc;

namespace IncidentBridge.Api;

/// <summary>The problem+json answers the worker gives; <c>field</c> names the part of the input at fault.</summary>
internal static class Problems
{
    private const string TypeBase = "urn:incidentbridge:problem:";

    public static ProblemHttpResult InvalidField(string field, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", detail, field);

    /// <summary>A query parameter that is not one of the values it takes: <c>status must be open, resolved or all (was 'x').</c></summary>
    public static ProblemHttpResult InvalidValue(string name, string? value, string expected) =>
        InvalidField(name, $"{name} must be {expected} (was '{value}').");

    /// <summary>
    /// An optional query parameter read by <paramref name="read"/>: null when it is absent (<paramref name="value"/> null)
    /// or reads (<paramref name="value"/> what it says); otherwise the <see cref="InvalidValue"/> to answer.
    /// </summary>
    public static ProblemHttpResult? Read<T>(string name, string? text, QueryReader<T> read, string expected, out T? value)
        where T : struct
    {
        value = null;
        if (text is null)
        {
            return null;
        }

        if (!read(text, out var parsed))
        {
            return InvalidValue(name, text, expected);
        }

        value = parsed;
        return null;
    }

    /// <summary>An optional <c>true</c>/<c>false</c> query parameter, as <see cref="Read"/>.</summary>
    public static ProblemHttpResult? ReadFlag(string name, string? text, out bool? value) =>
        Read(name, text, bool.TryParse, "true or false", out value);

    public static ProblemHttpResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Not authenticated", detail);

    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    public static ProblemHttpResult TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "too-large", "Body too large", $"The body is larger than {limit} bytes (IncidentBridge:Ingest:MaxBodyBytes).");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType, string expected = "send application/json") =>
        Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            $"Content-Type '{contentType ?? "(none)"}' is not accepted here: {expected}.", "Content-Type");

    public static ProblemHttpResult Timeout(string detail) =>
        Create(StatusCodes.Status408RequestTimeout, "timeout", "Request timed out", detail);

    public static ProblemHttpResult Unavailable(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "Temporarily unavailable", detail);

    private static ProblemHttpResult Create(int status, string type, string title, string detail, string? field = null)
    {
        var problem = new ProblemDetails { Status = status, Type = TypeBase + type, Title = title, Detail = detail };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        return TypedResults.Problem(problem);
    }
}
