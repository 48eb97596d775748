using System.Collections;
using System.Reflection;
using IncidentBridge.Tests.Deployment;

namespace IncidentBridge.Tests.Operations;

/// <summary>
/// <c>config/incidentbridge.example.json</c> is where an operator learns the keys: every key of every options class
/// (a class with a <c>Section</c> under <c>IncidentBridge:</c>) must be in it, so a new key cannot ship undocumented.
/// Maps, lists and routes whose entries are the operator's own (owners, routing rules, the default route) need only be
/// present: the example shows their shape once, in the rules.
/// </summary>
public sealed class ExampleConfigurationTests
{
    private static readonly Type[] OperatorsOwn = [typeof(IncidentBridge.ActionItems.RouteRule)];

    [Fact]
    public void Example_configuration_lists_every_key_of_every_options_class()
    {
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "config", "incidentbridge.example.json")));
        var missing = new List<string>();
        foreach (var (section, type) in OptionsClasses())
        {
            if (Find(example.RootElement, section.Split(':')) is not { } node)
            {
                missing.Add(section);
                continue;
            }

            Check(node, type, section, missing);
        }

        Assert.True(missing.Count == 0, "config/incidentbridge.example.json lacks: " + string.Join(", ", missing));
    }

    private static IEnumerable<(string Section, Type Type)> OptionsClasses() =>
        typeof(Program).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.GetRawConstantValue() is string s && s.StartsWith("IncidentBridge:", StringComparison.Ordinal))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type));

    private static void Check(JsonElement node, Type type, string path, List<string> missing)
    {
        if (typeof(IDictionary).IsAssignableFrom(type) || OperatorsOwn.Contains(type) || node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var key = $"{path}:{property.Name}";
            if (Find(node, [property.Name]) is not { } child)
            {
                missing.Add(key);
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && propertyType != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                Check(child, propertyType, key, missing);
            }
        }
    }

    private static JsonElement? Find(JsonElement node, IEnumerable<string> path)
    {
        foreach (var name in path)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var found = node.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();
            if (found is not { } next)
            {
                return null;
            }

            node = next;
        }

        return node;
    }
}
