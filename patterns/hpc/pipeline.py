"""TrainingPipeline: preprocess -> train (multi-node) -> publish the model, started through an API."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .._core import (
    DEFAULT_LOG_RETENTION,
    Problems,
    acknowledge,
    acknowledge_wildcard_resources,
    alarm,
    is_token,
    log_group,
    nag_ref,
    python_function,
)
from .._core.arguments import checked_arguments
from .._core.limits import SSM_PARAMETER_NAME, check_duration
from ._nag import bucket_objects_finding
from .cluster import TrainingCluster

RUNTIME = Path(__file__).parent / "runtime"
EVENT_SOURCE = "cdp.hpc"
EVENT_DETAIL_TYPE = "ModelPublished"

START_REQUEST_SCHEMA = apigw.JsonSchema(
    schema=apigw.JsonSchemaVersion.DRAFT4,
    title="StartTrainingRun",
    type=apigw.JsonSchemaType.OBJECT,
    additional_properties=False,
    properties={
        "artifactUri": apigw.JsonSchema(
            type=apigw.JsonSchemaType.STRING, pattern="^s3://[a-z0-9][a-z0-9.-]+/.+$", max_length=1024
        ),
        "dataSet": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, pattern="^[A-Za-z0-9._/-]{1,256}$"),
        "comment": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, max_length=256),
    },
)
"""What ``POST /runs`` accepts: every field optional, nothing else (the API rejects unknown fields)."""


START_EXECUTION_TEMPLATE = (
    r"""{"stateMachineArn": "STATE_MACHINE_ARN", "input": "$util.escapeJavaScript($input.json('$'))"""
    r""".replaceAll("\\'", "'")"}"""
)
r"""The StartExecution request (VTL): the request body becomes the execution's input, a JSON string.
``$util.escapeJavaScript`` escapes ``"`` and ``\`` as JSON needs, but also turns ``'`` into ``\'``, which is
no JSON escape; ``.replaceAll("\\'", "'")`` (a Java regular expression: a backslash, then ``'``) undoes
that one, so any body, apostrophes included, yields valid JSON (the fix the API Gateway mapping
template reference gives for ``$util.escapeJavaScript``)."""


def _prefix_problem(value: str) -> str | None:
    if value.startswith("/") or not value.endswith("/"):
        return "must be a key prefix ending with '/' and not starting with '/'"
    return None


class TrainingPipeline(Construct):
    """A Step Functions workflow that operates the cluster through APIs, as the talk asks:

    1. preprocess: a Fargate Batch job builds the training data set (``.sync``: waits for the job),
    2. train: the multi-node job (or, on a Spot cluster, the single-node GPU job), ``.sync``,
    3. publish: a Lambda function copies the artifact into ``models/<run>/`` of the model bucket with
       a manifest, writes the model's URI to an SSM parameter (what the serving side reads) and puts
       an EventBridge event ``cdp.hpc / ModelPublished`` (what the serving side reacts to).

    ``POST /runs`` on a REST API with IAM authorization starts a run (request body validated against
    ``START_REQUEST_SCHEMA``). Failed, timed-out or aborted runs go to ``alarm_topic`` (EventBridge),
    and an alarm watches ``ExecutionsFailed``. Batch jobs receive the run id and the expected model
    location as job parameters (``Ref::runId``, ``Ref::modelOutputUri``, ``Ref::dataSet`` in the
    command).
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: TrainingCluster,
        model_bucket: s3.IBucket | None = None,
        source_buckets: Sequence[s3.IBucket] = (),
        model_parameter_name: str | None = None,
        event_bus: events.IEventBus | None = None,
        staging_prefix: str = "staging/",
        models_prefix: str = "models/",
        artifact_name: str = "model.tar.gz",
        timeout: Duration = Duration.days(4),
        api: bool = True,
        serving_service: ecs.IBaseService | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        alarm_topic: sns.ITopic | None = None,
        execution_logging: bool = False,
    ) -> None:
        """
        :param cluster: the ``TrainingCluster`` whose queues and job definitions run the steps.
        :param model_bucket: where models are published. Default: ``cluster.storage.model_bucket``
            (one of the two is required).
        :param source_buckets: other buckets a run may name in ``artifactUri``. Default: none beyond
            the model bucket and the cluster's data-set bucket.
        :param model_parameter_name: the SSM parameter holding the current model's URI (``/ml/model``).
            Default: a name CloudFormation generates (see ``model_parameter.parameter_name``).
        :param event_bus: where ``ModelPublished`` is put. Default: the account's default bus.
        :param staging_prefix: where training writes ``<run>/<artifact_name>`` in the model bucket.
            Default ``staging/``.
        :param models_prefix: where published models go. Default ``models/``.
        :param artifact_name: the artifact's file name. Default ``model.tar.gz``.
        :param timeout: a run fails after this. Default 4 days (training is capped at 3 by the cluster).
        :param api: create the REST API that starts runs. Default ``True``.
        :param serving_service: an ECS service (e.g. ``ContainerService.service``) that serves the
            model: after publishing, the workflow calls ``ecs:UpdateService`` with
            ``forceNewDeployment`` so that its new tasks read the new URI from the SSM parameter at
            start (its task role is granted read on the parameter). Default: no hand-off step; the
            ``ModelPublished`` event and the SSM parameter remain the hand-off points.
        :param log_retention: of the workflow, function and API logs. Default one year.
        :param log_removal_policy: of those log groups. Default RETAIN.
        :param alarm_topic: SNS topic for failed runs and the ExecutionsFailed alarm. Default: the
            rule has no target and the alarm no action.
        :param execution_logging: the API's execution logs (level ``INFO``, data tracing off). Default
            ``False``: they need the account-level API Gateway CloudWatch role (``AWS::ApiGateway::Account``,
            one per account and region, not the library's to own); a deploy without it fails.
        """
        super().__init__(scope, id)
        storage = cluster.storage
        bucket = model_bucket or (storage.model_bucket if storage is not None else None)
        problems = Problems("TrainingPipeline")
        check_duration(problems, "timeout", timeout)
        problems.require(
            bucket is not None,
            "model_bucket",
            model_bucket,
            "required when the cluster has no storage to take the model bucket from",
        )
        for name, value in (("staging_prefix", staging_prefix), ("models_prefix", models_prefix)):
            reason = _prefix_problem(value)
            problems.require(reason is None, name, value, reason or "")
        problems.require(
            staging_prefix != models_prefix, "models_prefix", models_prefix, "must differ from staging_prefix"
        )
        problems.require(
            bool(artifact_name) and "/" not in artifact_name,
            "artifact_name",
            artifact_name,
            "must be a file name without '/'",
        )
        problems.require(
            artifact_name != "manifest.json",
            "artifact_name",
            artifact_name,
            "is the name of the manifest written next to each published model; choose another",
        )
        if model_parameter_name is not None and not is_token(model_parameter_name):
            if not model_parameter_name.startswith("/") and "/" in model_parameter_name:
                problems.add(
                    "model_parameter_name",
                    model_parameter_name,
                    "a hierarchical parameter name must start with '/'",
                )
            elif len(model_parameter_name) > 1011 or not SSM_PARAMETER_NAME.match(model_parameter_name):
                problems.add(
                    "model_parameter_name",
                    model_parameter_name,
                    "an SSM parameter name holds letters, digits and _ . - (1011 at most), in /-led segments "
                    "(/ml/model), not starting with aws or ssm",
                )
        problems.raise_if_any()
        assert bucket is not None
        self.model_bucket = bucket
        sources = [bucket, *source_buckets]
        if storage is not None:
            sources.append(storage.data_set_bucket)

        self.model_parameter = ssm.StringParameter(
            self,
            "CurrentModel",
            parameter_name=model_parameter_name,
            string_value="none",
            description="URI of the current trained model (written by the publish step)",
        )
        self.event_bus = event_bus or events.EventBus.from_event_bus_name(self, "DefaultBus", "default")
        self.publish_function = python_function(
            self,
            "Publish",
            code_dir=RUNTIME,
            handler="publish.handler",
            description="Publishes a trained model: copy to models/, SSM parameter, ModelPublished event",
            timeout=Duration.minutes(15),
            memory_size=512,
            log_retention=log_retention,
            log_removal_policy=log_removal_policy,
            environment={
                "MODEL_BUCKET": bucket.bucket_name,
                "SOURCE_BUCKETS": ",".join(b.bucket_name for b in sources),
                "STAGING_PREFIX": staging_prefix,
                "MODELS_PREFIX": models_prefix,
                "ARTIFACT_NAME": artifact_name,
                "MODEL_PARAMETER": self.model_parameter.parameter_name,
                # The ARN, not the name: PutEvents then reaches a bus imported from another account
                # or region too (the grant is on the ARN already).
                "EVENT_BUS": self.event_bus.event_bus_arn,
            },
        )
        bucket.grant_read_write(self.publish_function)
        for source in sources[1:]:
            source.grant_read(self.publish_function)
        self.model_parameter.grant_write(self.publish_function)
        self.event_bus.grant_put_events_to(self.publish_function)
        acknowledge(
            self.publish_function.role,
            {
                "AwsSolutions-IAM5[Action::s3:GetObject*]": "The function copies any artifact of the listed "
                "buckets; the key is only known per run.",
                "AwsSolutions-IAM5[Action::s3:GetBucket*]": "grant_read's bucket-level reads on the listed buckets.",
                "AwsSolutions-IAM5[Action::s3:List*]": "grant_read: listing the listed buckets (HeadObject "
                "answers 404 instead of 403 for a missing artifact).",
                "AwsSolutions-IAM5[Action::s3:DeleteObject*]": "grant_read_write on the model bucket: the "
                "managed copy aborts and replaces its own parts (versioned bucket).",
                "AwsSolutions-IAM5[Action::s3:Abort*]": "grant_read_write on the model bucket: aborting "
                "failed multipart copies of large artifacts.",
                **{
                    bucket_objects_finding(b): "Objects of the pattern's buckets: artifacts are addressed by "
                    "run id, known only at run time."
                    for b in sources
                    if bucket_objects_finding(b)
                },
            },
        )

        run_id = sfn.JsonPath.execution_name
        model_output_uri = sfn.JsonPath.format(
            f"s3://{bucket.bucket_name}/{staging_prefix}{{}}/{artifact_name}", run_id
        )
        data_set = sfn.JsonPath.string_at("$.dataSet")
        defaults = sfn.Pass(self, "Defaults", parameters={"dataSet": "default"}, result_path="$.defaults")
        merged = sfn.Pass(
            self,
            "Merge",
            parameters={"input.$": "States.JsonMerge($.defaults, $, false)"},
            output_path="$.input",
        )
        preprocess = tasks.BatchSubmitJob(
            self,
            "Preprocess",
            job_name="preprocess",
            job_queue_arn=cluster.preprocess_queue.job_queue_arn,
            job_definition_arn=cluster.preprocess_job_definition.job_definition_arn,
            payload=sfn.TaskInput.from_object({"runId": run_id, "dataSet": data_set}),
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            result_path=sfn.JsonPath.DISCARD,
        )
        training_definition = cluster.multi_node_job_definition or cluster.gpu_job_definition
        train = tasks.BatchSubmitJob(
            self,
            "Train",
            job_name="train",
            job_queue_arn=cluster.job_queue.job_queue_arn,
            job_definition_arn=training_definition.job_definition_arn,
            payload=sfn.TaskInput.from_object(
                {"runId": run_id, "dataSet": data_set, "modelOutputUri": model_output_uri}
            ),
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            result_path=sfn.JsonPath.DISCARD,
        )
        publish = tasks.LambdaInvoke(
            self,
            "PublishModel",
            lambda_function=self.publish_function,
            payload=sfn.TaskInput.from_object({"runId": run_id, "input": sfn.JsonPath.object_at("$")}),
            payload_response_only=True,
            retry_on_service_exceptions=True,
            result_path="$.model",
        )
        self.update_serving: tasks.CallAwsService | None = None
        tail: sfn.IChainable = publish
        if serving_service is not None:
            self.update_serving = self._hand_off(serving_service)
            tail = sfn.Chain.start(publish).next(self.update_serving)
        chain = (
            defaults.next(merged).next(preprocess).next(train).next(tail).next(sfn.Succeed(self, "Published"))
        )
        self.log_group = log_group(
            self, "WorkflowLogs", retention=log_retention, removal_policy=log_removal_policy
        )
        self.state_machine = sfn.StateMachine(
            self,
            "Workflow",
            definition_body=sfn.DefinitionBody.from_chainable(chain),
            timeout=timeout,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True
            ),
            comment="Preprocess, train on GPU nodes, publish the model",
        )
        # The documented policy of the Batch ``.sync`` integration: SubmitJob, then DescribeJobs to
        # follow the job and TerminateJob to cancel it when the execution stops (CDK's BatchSubmitJob
        # grants SubmitJob and the managed EventBridge rule StepFunctionsGetEventsForBatchJobsRule only).
        # https://docs.aws.amazon.com/step-functions/latest/dg/batch-iam.html
        self.state_machine.add_to_role_policy(
            iam.PolicyStatement(actions=["batch:DescribeJobs"], resources=["*"])
        )
        self.state_machine.add_to_role_policy(
            iam.PolicyStatement(
                actions=["batch:TerminateJob"],
                resources=[Stack.of(self).format_arn(service="batch", resource="job", resource_name="*")],
            )
        )
        acknowledge(
            self.state_machine.role,
            {
                "AwsSolutions-IAM5[Resource::*]": "X-Ray, CloudWatch Logs delivery and batch:DescribeJobs "
                "support no resource-level permissions; '*' is the only valid resource.",
                f"AwsSolutions-IAM5[Resource::{nag_ref(self.publish_function)}:*]": "Invoking any version of the pattern's own publish function.",
            },
        )
        acknowledge_wildcard_resources(
            self.state_machine.role,
            {  # whatever the rendering of the account and region (explicit, tokens, flags)
                r":batch:.*:job/\*$": "TerminateJob cancels the job a stopped run "
                "submitted; job ids are generated at run time.",
                r":batch:.*:job-definition/\*$": "SubmitJob names a job definition by "
                "ARN with its revision; CDK's BatchSubmitJob grants every revision.",
            },
        )

        self.failed_runs_rule = events.Rule(
            self,
            "FailedRuns",
            description="Training runs that failed, timed out or were aborted",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={
                    "status": ["FAILED", "TIMED_OUT", "ABORTED"],
                    "stateMachineArn": [self.state_machine.state_machine_arn],
                },
            ),
        )
        if alarm_topic is not None:
            self.failed_runs_rule.add_target(targets.SnsTopic(alarm_topic))
        self.alarms: list[cw.Alarm] = [
            alarm(
                self,
                "RunsFailed",
                metric=self.metric_failed(),
                threshold=1,
                description="A training run failed (see the workflow's execution history)",
                topic=alarm_topic,
            )
        ]

        self.api: apigw.RestApi | None = None
        if api:
            self.api = self._api(log_retention, log_removal_policy, execution_logging)

    def _hand_off(self, service: ecs.IBaseService) -> tasks.CallAwsService:
        """The step that rolls the serving service onto the published model (new tasks, same task
        definition: the tasks read the model URI from the SSM parameter when they start)."""
        if isinstance(service, ecs.BaseService) and service.task_definition.task_role is not None:
            self.model_parameter.grant_read(service.task_definition.task_role)
        return tasks.CallAwsService(
            self,
            "UpdateServing",
            service="ecs",
            action="updateService",
            parameters={
                "Cluster": service.cluster.cluster_arn,
                "Service": service.service_arn,
                "ForceNewDeployment": True,
            },
            iam_action="ecs:UpdateService",
            iam_resources=[service.service_arn],
            result_path=sfn.JsonPath.DISCARD,
        )

    def _api(
        self, log_retention: logs.RetentionDays, log_removal_policy: RemovalPolicy, execution_logging: bool
    ) -> apigw.RestApi:
        access_logs = log_group(
            self, "ApiAccessLogs", retention=log_retention, removal_policy=log_removal_policy
        )
        api = apigw.RestApi(
            self,
            "Api",
            description="Starts training runs (IAM-authorized)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.INFO if execution_logging else None,
                data_trace_enabled=False if execution_logging else None,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                throttling_rate_limit=5,
                throttling_burst_limit=10,
            ),
        )
        role = iam.Role(
            self,
            "ApiRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway: start executions of the training workflow",
        )
        self.state_machine.grant_start_execution(role)
        request_template = START_EXECUTION_TEMPLATE.replace(
            "STATE_MACHINE_ARN", self.state_machine.state_machine_arn
        )
        integration = apigw.AwsIntegration(
            service="states",
            action="StartExecution",
            options=apigw.IntegrationOptions(
                credentials_role=role,
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_templates={"application/json": request_template},
                integration_responses=[
                    apigw.IntegrationResponse(
                        status_code="200",
                        response_templates={
                            "application/json": '{"executionArn": "$input.path(\'$.executionArn\')", '
                            '"startDate": "$input.path(\'$.startDate\')"}'
                        },
                    ),
                    apigw.IntegrationResponse(status_code="400", selection_pattern="4\\d{2}"),
                    apigw.IntegrationResponse(status_code="500", selection_pattern="5\\d{2}"),
                ],
            ),
        )
        model = api.add_model("StartRun", content_type="application/json", schema=START_REQUEST_SCHEMA)
        validator = api.add_request_validator(
            "Body", validate_request_body=True, validate_request_parameters=True
        )
        api.root.add_resource("runs").add_method(
            "POST",
            integration,
            authorization_type=apigw.AuthorizationType.IAM,
            request_models={"application/json": model},
            request_validator=validator,
            method_responses=[apigw.MethodResponse(status_code=code) for code in ("200", "400", "500")],
        )
        acknowledge(
            api,
            {
                "AwsSolutions-APIG3": "IAM-authorized API for operators and pipelines, not a public endpoint; "
                "put a WAF web ACL on the stage if it ever faces untrusted callers.",
                "AwsSolutions-COG4": "Callers authenticate with IAM (SigV4), not a Cognito user pool: the "
                "callers are roles and pipelines.",
            },
        )
        if not execution_logging:
            acknowledge(
                api,
                {
                    "AwsSolutions-APIG6": "Access logs are on; execution logs need the account-wide API Gateway "
                    "CloudWatch role, which a library pattern must not take over (opt in: execution_logging=True).",
                },
            )
        return api

    # --- what aws-cdk-lib users reach for: grants and metrics --------------------------------------
    def grant_read_models(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read published models (the model bucket)."""
        return self.model_bucket.grant_read(grantee)

    def grant_read_model_parameter(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the SSM parameter that names the current model (a serving task)."""
        return self.model_parameter.grant_read(grantee)

    def grant_start_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` start a training run (``states:StartExecution`` on the workflow)."""
        return self.state_machine.grant_start_execution(grantee)

    def metric_failed(self, **props: Any) -> cw.Metric:
        """Failed runs (Sum over 5 minutes): what the ``RunsFailed`` alarm watches."""
        return self.state_machine.metric_failed(
            **{"period": Duration.minutes(5), "statistic": "Sum", **props}
        )

    def metric_succeeded(self, **props: Any) -> cw.Metric:
        """Runs that succeeded (Sum over 5 minutes)."""
        return self.state_machine.metric_succeeded(
            **{"period": Duration.minutes(5), "statistic": "Sum", **props}
        )
