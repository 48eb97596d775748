using IncidentBridge.Api;

namespace IncidentBridge.Tests.Api;

public sealed class BearerTokensTests
{
    private readonly BearerTokens _tokens = new(["old-token", "new-token"]);

    [Theory]
    [InlineData("Bearer old-token")]
    [InlineData("Bearer new-token")]
    [InlineData("bearer new-token")]
    public void Every_configured_token_is_accepted_during_rotation(string header) =>
        Assert.True(_tokens.Accepts(header));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer ")]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer new-toke")]
    [InlineData("Bearer new-token-and-more")]
    [InlineData("Basic bmV3LXRva2Vu")]
    [InlineData("new-token")]
    public void Anything_but_a_configured_bearer_token_is_refused(string? header) =>
        Assert.False(_tokens.Accepts(header));

    [Fact]
    public void No_tokens_refuse_everything()
    {
        var none = new BearerTokens([]);

        Assert.True(none.IsEmpty);
        Assert.False(none.Accepts("Bearer "));
        Assert.False(none.Accepts("Bearer anything"));
    }
}
