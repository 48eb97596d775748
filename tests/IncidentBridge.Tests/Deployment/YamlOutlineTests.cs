namespace IncidentBridge.Tests.Deployment;

/// <summary>The small YAML reader the chart checks rely on: it must read what the chart writes and refuse what Helm would.</summary>
public sealed class YamlOutlineTests
{
    [Fact]
    public void Nested_keys_are_read_by_dotted_path_with_unquoted_scalars()
    {
        var yaml = YamlOutline.Parse(
            """
            # a comment
            image:
              tag: "0.1.0"   # trailing comment
              pullPolicy: IfNotPresent
            accessModes:
            - ReadWriteOnce
            rules:
              - match:
                  service: payments
            labels: {}
            """,
            "test.yaml");

        Assert.Equal("0.1.0", yaml.Scalar("image.tag"));
        Assert.Equal("IfNotPresent", yaml.Scalar("image.pullPolicy"));
        Assert.True(yaml.Has("accessModes"));
        Assert.True(yaml.Has("rules"));
        Assert.False(yaml.Has("rules.match"));
        Assert.Equal("{}", yaml.Scalar("labels"));
    }

    [Theory]
    [InlineData("a: 1\na: 2", "duplicate key")]
    [InlineData("a:\n  b: 1\n   c: 2", "opens no level")]
    [InlineData("a:\n    b: 1\n  c: 2", "opens no level")]
    [InlineData("a:\n\tb: 1", "tab")]
    [InlineData("a: [1, 2", "unbalanced")]
    [InlineData("a: \"open", "unterminated quote")]
    [InlineData("a:\n  - x\n  b: 1", "mapping key among list items")]
    [InlineData("just text", "neither")]
    public void Malformed_yaml_is_refused_with_the_line(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => YamlOutline.Parse(text, "bad.yaml"));

        Assert.Contains("bad.yaml:", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
