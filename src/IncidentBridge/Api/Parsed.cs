using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace IncidentBridge.Api;

/// <summary>A request body read and checked: either the value or the first problem found, which a 400 answer names.</summary>
internal readonly record struct Parsed<T>(T? Value, PayloadError? Error)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Value is not null;

    public static Parsed<T> Success(T value) => new(value, null);

    /// <summary>
    /// The value of a body that was checked before it was stored, so one that fails now is a fault of ours, not the
    /// sender's: it throws, and the delivery is retried and in the end dead-lettered, where an operator sees why.
    /// </summary>
    public T Stored(string source) =>
        Ok ? Value : throw new InvalidDataException($"Stored {source} payload is invalid at {Error.Field}: {Error.Detail}");

    public static Parsed<T> Fail(string field, string detail) => new(null, new PayloadError(field, detail));

    /// <summary>
    /// <paramref name="body"/> read as one JSON object of <typeparamref name="T"/>; a body that is not JSON, not of that
    /// shape, or JSON <c>null</c> (which <paramref name="whenNull"/> explains) is the problem a 400 answer names.
    /// Every webhook and the postmortem JSON are read this way, so they explain a bad body alike.
    /// </summary>
    public static Parsed<T> FromJson(ReadOnlySpan<byte> body, JsonTypeInfo<T> info, string whenNull)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, info);
        }
        catch (JsonException ex)
        {
            return FromJsonException(ex, body);
        }

        return value is null ? Fail("$", whenNull) : Success(value);
    }

    /// <summary>Explains why <paramref name="body"/> could not be read: not JSON at all, or a value of the wrong type.</summary>
    public static Parsed<T> FromJsonException(JsonException exception, ReadOnlySpan<byte> body)
    {
        if (NotJson(body) is { } syntax)
        {
            return Fail("$", $"The body is not valid JSON: {syntax}");
        }

        // System.Text.Json names the JSON path of the value it could not read ("$.alerts[0].startsAt").
        var path = exception.Path;
        var reason = WithoutPosition(exception.Message);
        return string.IsNullOrEmpty(path) || path == "$"
            ? Fail("$", $"The body is not a JSON object of the expected shape: {reason}")
            : Fail(path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, $"The value could not be read: {reason}");
    }

    private static string? NotJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"{WithoutPosition(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
        }
    }

    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        cut = cut < 0 ? message.IndexOf(" LineNumber:", StringComparison.Ordinal) : cut;
        return cut > 0 ? message[..cut].TrimEnd(' ', '|') : message;
    }
}

/// <summary>What is wrong with a request body, and where (<c>alerts[2].labels</c>), for the 400 answer's <c>field</c>.</summary>
internal sealed record PayloadError(string Field, string Detail);
