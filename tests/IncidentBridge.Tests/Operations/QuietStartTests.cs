namespace IncidentBridge.Tests.Operations;

public sealed class QuietStartTests
{
    [Fact]
    public async Task Quartz_logs_warnings_only_unless_asked_for()
    {
        await using var quiet = new WorkerFactory(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
        await using var asked = new WorkerFactory(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Serilog:MinimumLevel:Override:Quartz"] = "Information",
        });

        static ILoggerFactory Loggers(WorkerFactory worker) => worker.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(Loggers(quiet).CreateLogger("Quartz.Core.QuartzScheduler").IsEnabled(LogLevel.Information));
        Assert.True(Loggers(quiet).CreateLogger("Quartz.Core.QuartzScheduler").IsEnabled(LogLevel.Warning));
        Assert.True(Loggers(quiet).CreateLogger("IncidentBridge.Inbox.InboxProcessor").IsEnabled(LogLevel.Information));
        Assert.True(Loggers(asked).CreateLogger("Quartz.Core.QuartzScheduler").IsEnabled(LogLevel.Information));
    }
}
