"""Remove Wagtail's default "Moderators approval" workflow and name Wagtail's starter data in
Indonesian, in the template schema and in every instansi's schema.

Wagtail's own migrations attach a "Moderators approval" workflow to the root page, so every
page of a cloned instansi asked for a moderator's approval that no SOP defined: an instansi's
pages follow the workflow its SOP binds to the news section (sop.services), nothing else.
The starter groups, the root page and the root collection keep their rows (permissions point at them); only their
English names change. An SOP workflow is named "SOP …" and is never touched.
"""

from django.db import migrations

DEFAULT_WORKFLOW = "Moderators approval"
GROUP_NAMES = {"Moderators": "Moderator", "Editors": "Penyunting"}


def forwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    Task = apps.get_model("wagtailcore", "Task")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")

    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW):
        if WorkflowState.objects.filter(workflow=workflow).exists():
            # Pages went through it already: keep their history, stop new submissions.
            WorkflowPage.objects.filter(workflow=workflow).delete()
            Workflow.objects.filter(pk=workflow.pk).update(active=False)
            continue
        task_ids = list(
            WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True)
        )
        WorkflowPage.objects.filter(workflow=workflow).delete()
        WorkflowTask.objects.filter(workflow=workflow).delete()
        workflow.delete()
        # The task is shared only if another workflow still uses it.
        unused = Task.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW).exclude(
            workflow_tasks__isnull=False
        )
        for task in unused:
            if not apps.get_model("wagtailcore", "TaskState").objects.filter(task=task).exists():
                task.delete()

    for old, new in GROUP_NAMES.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    Page.objects.filter(depth=1, title="Root").update(title="Akar", draft_title="Akar")
    Collection.objects.filter(depth=1, name="Root").update(name="Akar")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_wordpress_import"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
