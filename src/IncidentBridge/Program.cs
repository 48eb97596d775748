using IncidentBridge.Api;
using IncidentBridge.Correlation;
using IncidentBridge.Inbox;
using IncidentBridge.Ingest;
using IncidentBridge.Operations;
using IncidentBridge.Storage;
using Serilog;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddConfigFiles()
        .AddLogging()
        .AddOperations()
        .AddStorage()
        .AddApi()
        .AddIngest()
        .AddInbox()
        .AddCorrelation();

    var app = builder.Build();
    app.UseOperations();
    app.MapOperations();
    app.MapIngest();
    app.MapDeliveriesApi();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "IncidentBridge failed to start or stopped unexpectedly");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The entry point, visible to the tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
