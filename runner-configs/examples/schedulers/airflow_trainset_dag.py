"""Nightly trainset run from Apache Airflow, with the Apache Beam provider's BeamRunJavaPipelineOperator.

The operator runs `java -cp <jar> <job_class> --key=value ...` with `pipeline_options` as the flags; the job class
dev.trainset.launcher.RunMain is `trainset run`, so every run option (config, date, output) and every Beam option
(runner, flinkMaster, filesToStage) can be given there. `{{ ds }}` is Airflow's logical date, which trainset uses for {date} in paths and in the derived run id, so a
retried task of the same day finds the completed run and exits 0 ("already complete").

Requires: apache-airflow-providers-apache-beam. Not run in trainset's CI (no Airflow there); the file is checked to
be valid Python.
"""
from datetime import datetime

from airflow import DAG
from airflow.providers.apache.beam.operators.beam import BeamRunJavaPipelineOperator

with DAG(
    dag_id="trainset_nightly",
    schedule="15 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["trainset"],
) as dag:
    BeamRunJavaPipelineOperator(
        task_id="build_training_set",
        jar="/opt/trainset/launcher/target/trainset.jar",
        job_class="dev.trainset.launcher.RunMain",
        pipeline_options={
            # Beam turns each key into --key=value after the jar's own arguments.
            "config": "/etc/trainset/nightly.yaml",
            "date": "{{ ds }}",
            "output": "s3://my-bucket/trainsets/{{ ds }}/",
            "runner": "FlinkRunner",
            "flinkMaster": "flink-jobmanager:8081",
            "filesToStage": "/opt/trainset/launcher/target/trainset.jar",
        },
        default_pipeline_options={},
        runner="FlinkRunner",
    )
