using IncidentBridge.Ingest;
using PagerDutyEvent = IncidentBridge.Tests.Support.PagerDutyEvent;

namespace IncidentBridge.Tests.Ingest;

public sealed class PagerDutySignatureVerifierTests
{
    private const string Body = """{"event":{"id":"01ABC","event_type":"incident.triggered"}}""";
    private static readonly byte[] BodyBytes = Encoding.UTF8.GetBytes(Body);

    [Fact]
    public void Signature_of_the_body_with_the_secret_is_valid() =>
        Assert.Equal(SignatureCheck.Valid, HmacSignatureVerifier.ForPagerDuty(["s1"]).Verify(PagerDutyEvent.Sign(Body, "s1"), BodyBytes));

    [Fact]
    public void Any_of_several_signatures_in_the_header_may_match() =>
        Assert.Equal(SignatureCheck.Valid, HmacSignatureVerifier.ForPagerDuty(["s2"]).Verify(PagerDutyEvent.Sign(Body, "retired", "s2"), BodyBytes));

    [Fact]
    public void Any_of_several_configured_secrets_may_match() =>
        Assert.Equal(SignatureCheck.Valid, HmacSignatureVerifier.ForPagerDuty(["old", "new"]).Verify(PagerDutyEvent.Sign(Body, "new"), BodyBytes));

    [Fact]
    public void Tampered_body_does_not_match()
    {
        var tampered = Encoding.UTF8.GetBytes(Body.Replace("triggered", "resolved", StringComparison.Ordinal));

        Assert.Equal(SignatureCheck.Mismatch, HmacSignatureVerifier.ForPagerDuty(["s1"]).Verify(PagerDutyEvent.Sign(Body, "s1"), tampered));
    }

    [Fact]
    public void Signature_made_with_another_secret_does_not_match() =>
        Assert.Equal(SignatureCheck.Mismatch, HmacSignatureVerifier.ForPagerDuty(["s1"]).Verify(PagerDutyEvent.Sign(Body, "other"), BodyBytes));

    [Theory]
    [InlineData(null, "Missing")]
    [InlineData(" ", "Missing")]
    [InlineData("v1=zz", "Malformed")]
    [InlineData("v0=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Malformed")]
    [InlineData("v1=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Mismatch")]
    public void Missing_or_malformed_headers_are_told_apart(string? header, string expected) =>
        Assert.Equal(Enum.Parse<SignatureCheck>(expected), HmacSignatureVerifier.ForPagerDuty(["s1"]).Verify(header, BodyBytes));
}
