using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace IncidentBridge.Tests.Deployment;

/// <summary>The mapping keys of a one-document YAML file by dotted path (<c>persistence.enabled</c>); lists are not looked into.</summary>
internal sealed class YamlPaths
{
    private readonly Dictionary<string, YamlNode> _nodes = new(StringComparer.Ordinal);

    private YamlPaths(YamlNode root) => Add("", root);

    /// <summary>Every mapping key's path, a key whose value is a mapping or a list included.</summary>
    public IEnumerable<string> Paths => _nodes.Keys;

    public bool Has(string path) => _nodes.ContainsKey(path);

    /// <summary>The scalar at <paramref name="path"/>; null when it is missing or not a scalar.</summary>
    public string? Scalar(string path) => _nodes.GetValueOrDefault(path) is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>An empty map (<c>labels: {}</c>): the chart leaves its keys to the user.</summary>
    public bool IsOpenMap(string path) => _nodes.GetValueOrDefault(path) is YamlMappingNode { Children.Count: 0 };

    /// <summary>Reads <paramref name="text"/>; a YAML error (a duplicate key among them) fails the test with the file and line.</summary>
    public static YamlPaths Load(string text, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            Assert.Fail($"{fileName}:{ex.Start.Line}: {ex.Message}");
        }

        Assert.True(stream.Documents.Count == 1, $"{fileName} holds {stream.Documents.Count} YAML documents, not one.");
        return new YamlPaths(stream.Documents[0].RootNode);
    }

    private void Add(string prefix, YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            return;
        }

        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode { Value: { } scalar } ? scalar : key.ToString();
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            _nodes[path] = value;
            Add(path, value);
        }
    }
}
