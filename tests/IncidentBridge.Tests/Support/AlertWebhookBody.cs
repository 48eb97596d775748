namespace IncidentBridge.Tests.Support;

/// <summary>
/// What the Alertmanager and Grafana body builders share: one service's alert group, firing or resolved, written as
/// JSON, and that JSON with one field changed for the 400 cases.
/// </summary>
public abstract record AlertWebhookBody
{
    private protected AlertWebhookBody(string service, string status)
    {
        Service = service;
        Status = status;
    }

    private protected string Service { get; }

    private protected string Status { get; }

    public abstract JsonObject ToJson();

    public sealed override string ToString() => ToJson().ToJsonString();

    /// <summary>The body with one field replaced or removed, for the 400 cases.</summary>
    public string With(Action<JsonObject> change)
    {
        var json = ToJson();
        change(json);
        return json.ToJsonString(new JsonSerializerOptions());
    }
}
