using System.Text.Json.Serialization;

namespace IncidentBridge.Correlation;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;
