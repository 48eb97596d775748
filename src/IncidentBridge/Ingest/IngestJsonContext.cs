using System.Text.Json.Serialization;

namespace IncidentBridge.Ingest;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(AlertmanagerPayload))]
internal sealed partial class AlertmanagerJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PagerDutyWebhook))]
internal sealed partial class PagerDutyJsonContext : JsonSerializerContext;
