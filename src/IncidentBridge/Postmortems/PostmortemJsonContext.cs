using System.Text.Json.Serialization;

namespace IncidentBridge.Postmortems;

/// <summary>The JSON postmortem model (README, "Postmortems and action items"): camelCase, read strictly so a wrong type names its path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PostmortemDocument))]
[JsonSerializable(typeof(PostmortemReview))]
internal sealed partial class PostmortemJsonContext : JsonSerializerContext;
