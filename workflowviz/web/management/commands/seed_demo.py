from django.core.management.base import BaseCommand

from workflowviz.web.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo catalogue, sellers and delivery partners (running it again changes nothing)."

    def handle(self, *args, **options):
        counts = demo_seed()
        self.stdout.write("demo data: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
