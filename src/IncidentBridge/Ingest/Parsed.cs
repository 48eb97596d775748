using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IncidentBridge.Ingest;

/// <summary>A webhook body read and checked: either the payload or the first problem found.</summary>
internal readonly record struct Parsed<T>(T? Value, PayloadError? Error)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Value is not null;

    public static Parsed<T> Success(T value) => new(value, null);

    public static Parsed<T> Fail(string field, string detail) => new(null, new PayloadError(field, detail));

    public static Parsed<T> FromJsonException(JsonException exception)
    {
        // System.Text.Json names the JSON path of the value it could not read ("$.alerts[0].startsAt").
        var path = exception.Path;
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var reason = cut > 0 ? message[..cut] : message;
        return string.IsNullOrEmpty(path) || path == "$"
            ? Fail("$", $"The body is not a JSON object of the expected shape: {reason}")
            : Fail(path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, $"The value could not be read: {reason}");
    }
}
