namespace IncidentBridge.Tests.Support;

/// <summary>Builds postmortem JSON bodies (the model in the README, "Postmortems and action items"): <c>PostmortemJson.Published().WithItem("1", "Fix the leak", "Bob")</c>.</summary>
public sealed class PostmortemJson
{
    private readonly string _status;
    private readonly List<JsonObject> _items = [];

    private PostmortemJson(string status) => _status = status;

    public static PostmortemJson Published() => new("published");

    public static PostmortemJson Draft() => new("draft");

    public PostmortemJson WithItem(string id, string description, string owner, string priority = "P1", string? dueDate = "2026-12-01", string status = "open", string type = "prevent")
    {
        _items.Add(new JsonObject
        {
            ["id"] = id,
            ["description"] = description,
            ["type"] = type,
            ["owner"] = owner,
            ["priority"] = priority,
            ["dueDate"] = dueDate,
            ["status"] = status,
        });
        return this;
    }

    public PostmortemJson WithItems(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            WithItem($"{i}", $"Action item number {i}", "Bob");
        }

        return this;
    }

    public override string ToString() => new JsonObject
    {
        ["title"] = "Checkout outage",
        ["date"] = "2026-11-23",
        ["severity"] = "SEV2",
        ["status"] = _status,
        ["summary"] = "Checkout was down for 20 minutes.",
        ["impact"] = new JsonObject { ["usersAffected"] = 1200 },
        ["timeline"] = new JsonArray(new JsonObject { ["time"] = "08:00", ["event"] = "Alert fired", ["actor"] = "Alertmanager" }),
        ["rootCause"] = "Connection leak.",
        ["contributingFactors"] = new JsonArray("No pool metrics"),
        ["fiveWhys"] = new JsonArray(new JsonObject { ["question"] = "Why?", ["answer"] = "Because." }),
        ["whatWentWell"] = new JsonArray("Fast detection"),
        ["whatWentPoorly"] = new JsonArray("Slow rollback"),
        ["luckyBreaks"] = new JsonArray(),
        ["actionItems"] = new JsonArray(_items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
    }.ToJsonString();
}
