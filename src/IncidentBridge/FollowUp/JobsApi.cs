using IncidentBridge.FollowUp.Scheduling;
using Microsoft.AspNetCore.Mvc;

namespace IncidentBridge.FollowUp;

/// <summary>
/// <c>POST /api/jobs/{status-sync|follow-up-review|overdue-digest}/run?force=</c> runs a job now and answers what it
/// did, or <c>409</c> when another replica on the same database is running that job right now;
/// <c>GET /api/jobs</c> lists the jobs with their schedules, next fire times and last runs.
/// </summary>
internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapApi();
        api.MapGet("/jobs", ListAsync);
        api.MapPost("/jobs/{name}/run", RunAsync);
        return app;
    }

    private static async Task<Ok<JobsOverview>> ListAsync(JobCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.DescribeAsync(cancellationToken));

    /// <remarks>
    /// No token of the request's reaches the run: a caller that hangs up (a timeout, a closed terminal) does not cut the
    /// digest short halfway through its owners. The run stops only with the worker, between two sends.
    /// </remarks>
    private static async Task<Results<Ok<JobResult>, ProblemHttpResult>> RunAsync(string name, string? force, JobRunner runner, IHostApplicationLifetime lifetime)
    {
        if (Problems.ReadFlag("force", force, out var forced) is { } problem)
        {
            return problem;
        }

        if (!runner.Has(name))
        {
            return Problems.NotFound($"There is no job '{name}': the jobs are {string.Join(", ", runner.JobNames.Order(StringComparer.Ordinal))}.");
        }

        try
        {
            var result = await runner.RunNowAsync(name, new JobRunOptions(forced ?? false), CancellationToken.None);
            return result is null ? Problems.NotFound($"There is no job '{name}'.") : TypedResults.Ok(result);
        }
        catch (JobRunningElsewhereException)
        {
            // Not an error of the job: the same work is being done right now, on another replica (its log has the result).
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Type = "urn:incidentbridge:problem:job-running",
                Title = "The job is already running",
                Detail = $"The job '{name}' is running on another replica sharing this database; this run was not started. Ask again once it has finished.",
            });
        }
        catch (JobLockLostException)
        {
            return Problems.Unavailable($"The job '{name}' stopped before it finished: it lost its database lock (its database session ended), so another replica may run it now. What it did is recorded; the rest is done by its next run.");
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Only the worker's stopping cancels a run (see remarks); what the job did before it stopped is recorded.
            return Problems.Unavailable($"The worker is stopping: the job '{name}' stopped before it finished. What it did is recorded; the rest is done by its next run.");
        }
        catch (Exception ex)
        {
            // Logged by the runner with the exception; the answer names the kind of failure only.
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = "urn:incidentbridge:problem:job-failed",
                Title = "The job failed",
                Detail = $"The job '{name}' failed with {ex.GetType().Name}; the worker's log has the details (event 7054).",
            });
        }
    }
}
