using IncidentBridge.Operations;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace IncidentBridge.Tests.Operations;

public sealed class LogForgingTests
{
    [Fact]
    public void Line_breaks_in_a_logged_value_cannot_forge_a_log_line()
    {
        var logEvent = new LogEvent(
            DateTimeOffset.UtcNow,
            LogEventLevel.Information,
            null,
            new MessageTemplateParser().Parse("Alert {Summary} from {Owner}"),
            [new LogEventProperty("Summary", new ScalarValue("disk full\r\n[12:00:00 ERR] forged: admin logged in")), new LogEventProperty("Owner", new ScalarValue("bob\u001b[31m"))]);

        new ControlCharacterEscaper().Enrich(logEvent, new Properties());

        var rendered = logEvent.RenderMessage();
        Assert.DoesNotContain('\n', rendered);
        Assert.DoesNotContain('\r', rendered);
        Assert.Contains("disk full\\r\\n[12:00:00 ERR] forged", rendered, StringComparison.Ordinal);
        Assert.Contains("bob\\u001b[31m", rendered, StringComparison.Ordinal);
    }

    private sealed class Properties : ILogEventPropertyFactory
    {
        public LogEventProperty CreateProperty(string name, object? value, bool destructureObjects = false) => new(name, new ScalarValue(value));
    }
}
