using System.Diagnostics.CodeAnalysis;
using IncidentBridge.Api;

namespace IncidentBridge.Postmortems;

/// <summary>A postmortem read from Markdown: either the document as written or why it is not a postmortem.</summary>
internal sealed record PostmortemReadResult(PostmortemDocument? Document, PayloadError? Error)
{
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Document is not null;

    public static PostmortemReadResult Success(PostmortemDocument document) => new(document, null);

    public static PostmortemReadResult Fail(string field, string detail) => new(null, new PayloadError(field, detail));
}
