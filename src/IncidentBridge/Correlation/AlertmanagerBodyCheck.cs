using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;

namespace IncidentBridge.Correlation;

/// <summary>
/// What ingest needs from an Alertmanager-shaped body (<see cref="AlertSender"/>) that
/// <see cref="AlertmanagerPayloadParser.Parse(ReadOnlySpan{byte}, AlertSender)"/> accepts: its group key, found in one
/// forward pass over the bytes that allocates nothing else. A full read of a 10-alert notification builds ~250 strings
/// and ~25 dictionaries that ingest throws away (the processor reads the stored body again), and was most of a 202's
/// allocations. The check says yes only when it is sure the full read accepts the body: the same JSON rules
/// (System.Text.Json's reader, its depth limit, no comments or trailing commas, exact property names) and the same
/// rules of the payload, and anything unusual (a property twice, a null where a value belongs, a byte-order mark) is
/// "not sure". Then ingest runs the full read, which accepts it or names the problem, so answers do not change.
/// </summary>
internal static class AlertmanagerBodyCheck
{
    public static bool TryGroupKey(ReadOnlySpan<byte> body, AlertSender sender, [NotNullWhen(true)] out string? groupKey)
    {
        groupKey = null;
        if (body.StartsWith("\uFEFF"u8) || !Utf8.IsValid(body))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            return ReadPayload(ref reader, sender, out groupKey) && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not JSON, or a string whose escapes do not make text: the full read explains it.
            groupKey = null;
            return false;
        }
    }

    private static bool ReadPayload(ref Utf8JsonReader reader, AlertSender sender, out string? groupKey)
    {
        groupKey = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = new Seen();
        var alerts = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("version"u8))
            {
                ok = seen.First(0) && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(sender.Version);
            }
            else if (reader.ValueTextEquals("groupKey"u8))
            {
                ok = seen.First(1) && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0;
                groupKey = ok ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("alerts"u8))
            {
                ok = seen.First(2) && ReadAlerts(ref reader, out alerts) && alerts > 0;
            }
            else if (reader.ValueTextEquals("receiver"u8) || reader.ValueTextEquals("status"u8) || reader.ValueTextEquals("externalURL"u8))
            {
                ok = seen.First(reader.ValueTextEquals("receiver"u8) ? 3 : reader.ValueTextEquals("status"u8) ? 4 : 5) && ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals("groupLabels"u8) || reader.ValueTextEquals("commonLabels"u8) || reader.ValueTextEquals("commonAnnotations"u8))
            {
                ok = seen.First(reader.ValueTextEquals("groupLabels"u8) ? 6 : reader.ValueTextEquals("commonLabels"u8) ? 7 : 8) && ReadLabels(ref reader, nullable: true, out _);
            }
            else if (reader.ValueTextEquals("truncatedAlerts"u8))
            {
                ok = seen.First(9) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out _);
            }
            else
            {
                // A property the payload does not have (Grafana's orgId, title, ...): ignored by the full read as well.
                ok = Text(ref reader) && Skip(ref reader);
            }

            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && seen.Has(0) && groupKey is not null && alerts > 0;
    }

    private static bool ReadAlerts(ref Utf8JsonReader reader, out int count)
    {
        count = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!ReadAlert(ref reader))
            {
                return false;
            }

            count++;
        }

        return true;
    }

    private static bool ReadAlert(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = new Seen();
        var labels = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("status"u8))
            {
                ok = seen.First(0) && reader.Read() && reader.TokenType == JsonTokenType.String && (reader.ValueTextEquals("firing"u8) || reader.ValueTextEquals("resolved"u8));
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                ok = seen.First(1) && ReadLabels(ref reader, nullable: false, out labels) && labels > 0;
            }
            else if (reader.ValueTextEquals("annotations"u8))
            {
                ok = seen.First(2) && ReadLabels(ref reader, nullable: true, out _);
            }
            else if (reader.ValueTextEquals("startsAt"u8))
            {
                ok = seen.First(3) && reader.Read() && reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out _);
            }
            else if (reader.ValueTextEquals("endsAt"u8))
            {
                ok = seen.First(4) && reader.Read() && (reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out _)));
            }
            else if (reader.ValueTextEquals("generatorURL"u8) || reader.ValueTextEquals("fingerprint"u8))
            {
                ok = seen.First(reader.ValueTextEquals("generatorURL"u8) ? 5 : 6) && ReadStringOrNull(ref reader);
            }
            else
            {
                ok = Text(ref reader) && Skip(ref reader);
            }

            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && seen.Has(0) && seen.Has(3) && labels > 0;
    }

    /// <summary>An object of string values (labels, annotations), or null where the payload allows it.</summary>
    private static bool ReadLabels(ref Utf8JsonReader reader, bool nullable, out int count)
    {
        count = 0;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return nullable;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!Text(ref reader) || !reader.Read() || reader.TokenType != JsonTokenType.String || !Text(ref reader))
            {
                return false;
            }

            count++;
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool ReadStringOrNull(ref Utf8JsonReader reader) =>
        reader.Read() && (reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && Text(ref reader)));

    /// <summary>The current string or name makes text: escapes are decoded (and throw if they make none), plain bytes are valid UTF-8 already.</summary>
    private static bool Text(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            _ = reader.GetString();
        }

        return true;
    }

    private static bool Skip(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return false;
        }

        reader.Skip();
        return true;
    }

    /// <summary>The payload's own properties met so far: the second of any is "not sure" (the full read keeps the last).</summary>
    private struct Seen
    {
        private int _bits;

        public bool First(int property)
        {
            var bit = 1 << property;
            var first = (_bits & bit) == 0;
            _bits |= bit;
            return first;
        }

        public readonly bool Has(int property) => (_bits & (1 << property)) != 0;
    }
}
