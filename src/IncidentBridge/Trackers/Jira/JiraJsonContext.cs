using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IncidentBridge.Trackers.Jira;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(JiraCreateIssueRequest))]
[JsonSerializable(typeof(JiraEditIssueRequest))]
[JsonSerializable(typeof(JiraSearchRequest))]
[JsonSerializable(typeof(JiraTransitionRequest))]
[JsonSerializable(typeof(JiraCommentRequest))]
[JsonSerializable(typeof(JiraCreatedIssue))]
[JsonSerializable(typeof(JiraSearchResponse))]
[JsonSerializable(typeof(JiraFoundIssue))]
[JsonSerializable(typeof(JiraCommentPage))]
[JsonSerializable(typeof(List<JiraUser>))]
[JsonSerializable(typeof(JiraErrorResponse))]
[JsonSerializable(typeof(AdfDocument))]
[JsonSerializable(typeof(string))]
internal sealed partial class JiraJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used on the wire. Relaxed escaping keeps non-ASCII text as itself rather than <c>\uXXXX</c>, so the
    /// description's serialised length is close to what Jira counts against its 32,767-character limit.
    /// </summary>
    public static JiraJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
