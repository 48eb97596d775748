using System.Diagnostics.CodeAnalysis;
using IncidentBridge.Api;

namespace IncidentBridge.Postmortems;

/// <summary>A postmortem checked and normalised, or the first problem found in it.</summary>
internal sealed record NormalizeResult(Postmortem? Postmortem, PayloadError? Error)
{
    [MemberNotNullWhen(true, nameof(Postmortem))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null && Postmortem is not null;

    public static NormalizeResult Success(Postmortem postmortem) => new(postmortem, null);

    public static NormalizeResult Fail(string field, string detail) => new(null, new PayloadError(field, detail));
}
