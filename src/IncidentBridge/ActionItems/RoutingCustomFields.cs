using System.Text.Json.Nodes;

namespace IncidentBridge.ActionItems;

/// <summary>
/// Jira custom fields are arbitrary JSON (<c>{"customfield_10020": {"id": "10"}}</c>), which the
/// configuration binder cannot bind: each rule's <c>CustomFields</c> section is turned back into JSON.
/// Leaves that read as numbers or booleans are sent as such; sections keyed 0..n are arrays.
/// </summary>
internal sealed class RoutingCustomFields(IConfiguration configuration) : IPostConfigureOptions<RoutingOptions>
{
    public void PostConfigure(string? name, RoutingOptions options)
    {
        for (var i = 0; i < options.Rules.Count; i++)
        {
            Fill(options.Rules[i], configuration.GetSection($"{RoutingOptions.Section}:Rules:{i}:CustomFields"));
        }

        if (options.Default is { } route)
        {
            Fill(route, configuration.GetSection($"{RoutingOptions.Section}:Default:CustomFields"));
        }
    }

    private static void Fill(RouteRule rule, IConfigurationSection section)
    {
        foreach (var field in section.GetChildren())
        {
            rule.CustomFieldValues[field.Key] = JsonSerializer.SerializeToElement(ToNode(field));
        }
    }

    private static JsonNode? ToNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return Leaf(section.Value);
        }

        if (children.Select((c, i) => c.Key == i.ToString(CultureInfo.InvariantCulture)).All(x => x))
        {
            return new JsonArray(children.Select(ToNode).ToArray());
        }

        var node = new JsonObject();
        foreach (var child in children)
        {
            node[child.Key] = ToNode(child);
        }

        return node;
    }

    private static JsonNode? Leaf(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (bool.TryParse(value, out var flag))
        {
            return JsonValue.Create(flag);
        }

        // "0042" is an id, not a number.
        var numeric = (value == "0" || !value.StartsWith('0'))
            && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _);
        return numeric ? JsonValue.Create(decimal.Parse(value, CultureInfo.InvariantCulture)) : JsonValue.Create(value);
    }
}
