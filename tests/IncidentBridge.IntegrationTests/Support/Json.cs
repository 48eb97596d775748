namespace IncidentBridge.IntegrationTests.Support;

internal static class Json
{
    /// <summary>camelCase like the worker and Alertmanager; strict, so a missing field fails the test instead of reading as null.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}
