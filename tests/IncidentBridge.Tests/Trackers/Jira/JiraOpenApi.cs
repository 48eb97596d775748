using System.Text.RegularExpressions;
using WireMock.Logging;

namespace IncidentBridge.Tests.Trackers.Jira;

/// <summary>
/// Checks the requests a fake Jira Cloud received against Atlassian's OpenAPI document ("The Jira Cloud platform REST
/// API", Apache-2.0), trimmed to the operations the worker calls and kept next to this file: the operation exists,
/// each query parameter is one it declares, and the body fits its schema (no property a closed object does not
/// declare, none that is read-only, the declared JSON types). Enough to catch a misspelt or misplaced field, which
/// a fake that answers anything would let through.
/// </summary>
internal static class JiraOpenApi
{
    private static readonly Lazy<JsonElement> Document = new(() =>
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Trackers", "Jira", "jira-cloud-platform-v3.trimmed.json")));
        return json.RootElement.Clone();
    });

    /// <summary>Every request the server logged fits the document.</summary>
    public static void AssertFit(IEnumerable<ILogEntry> requests)
    {
        var problems = requests.SelectMany(Problems).ToList();
        Assert.True(problems.Count == 0, "Requests that do not fit Jira's OpenAPI document:\n" + string.Join("\n", problems));
    }

    private static IEnumerable<string> Problems(ILogEntry entry)
    {
        var request = entry.RequestMessage ?? throw new InvalidOperationException("A log entry without its request.");
        var method = request.Method.ToLowerInvariant();
        var label = $"{request.Method} {request.Path}";
        if (Operation(method, request.Path) is not { } operation)
        {
            yield return $"{label}: no such operation";
            yield break;
        }

        var declared = operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()).ToHashSet()
            : [];
        foreach (var name in request.Query?.Keys ?? Enumerable.Empty<string>())
        {
            if (!declared.Contains(name))
            {
                yield return $"{label}: query parameter '{name}' is not one the operation declares";
            }
        }

        if (string.IsNullOrEmpty(request.Body))
        {
            yield break;
        }

        if (!operation.TryGetProperty("requestBody", out var body))
        {
            yield return $"{label}: the operation takes no body";
            yield break;
        }

        using var sent = JsonDocument.Parse(request.Body);
        var schema = body.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        foreach (var problem in Check(schema, sent.RootElement, "$"))
        {
            yield return $"{label}: {problem}";
        }
    }

    private static JsonElement? Operation(string method, string path)
    {
        foreach (var template in Document.Value.GetProperty("paths").EnumerateObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(template.Name), @"\\\{[^}]+}", "[^/]+") + "$";
            if (Regex.IsMatch(path, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)) && template.Value.TryGetProperty(method, out var operation))
            {
                return operation;
            }
        }

        return null;
    }

    private static IEnumerable<string> Check(JsonElement schema, JsonElement value, string at)
    {
        schema = Resolve(schema);
        var problems = new List<string>();
        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var part in all.EnumerateArray())
            {
                problems.AddRange(Check(part, value, at));
            }
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return problems;
        }

        var expected = type.GetString();
        if (!Fits(expected, value))
        {
            problems.Add($"{at} is {value.ValueKind}, the document says {expected}");
            return problems;
        }

        if (expected == "string" && schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetString() == value.GetString()))
        {
            problems.Add($"{at} is '{value.GetString()}', not one of {allowed.GetRawText()}");
        }

        if (expected == "array" && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                problems.AddRange(Check(items, item, $"{at}[{i++}]"));
            }
        }

        if (expected == "object")
        {
            problems.AddRange(CheckObject(schema, value, at));
        }

        return problems;
    }

    private static IEnumerable<string> CheckObject(JsonElement schema, JsonElement value, string at)
    {
        var properties = schema.TryGetProperty("properties", out var declared) ? declared : (JsonElement?)null;
        var additional = schema.TryGetProperty("additionalProperties", out var extra) ? extra : (JsonElement?)null;
        foreach (var property in value.EnumerateObject())
        {
            var path = $"{at}.{property.Name}";
            if (properties is { } known && known.TryGetProperty(property.Name, out var propertySchema))
            {
                if (propertySchema.TryGetProperty("readOnly", out var readOnly) && readOnly.GetBoolean())
                {
                    yield return $"{path} is read-only";
                }

                foreach (var problem in Check(propertySchema, property.Value, path))
                {
                    yield return problem;
                }
            }
            else if (additional is { ValueKind: JsonValueKind.False })
            {
                yield return $"{path} is not a property the document declares";
            }
            else if (additional is { ValueKind: JsonValueKind.Object } other)
            {
                foreach (var problem in Check(other, property.Value, path))
                {
                    yield return problem;
                }
            }
        }
    }

    private static JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()?.Split('/')[^1] ?? throw new InvalidOperationException("An empty $ref.");
            schema = Document.Value.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema;
    }

    private static bool Fits(string? type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && long.TryParse(value.GetRawText(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        _ => true,
    };
}
