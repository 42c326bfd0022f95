import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** What someone sees on a page their role does not open. */
@Component({
  selector: 'app-no-access',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel no-access" aria-labelledby="no-access-title" data-testid="no-access">
      <h1 id="no-access-title">No access</h1>
      <p>You do not have access to this page.</p>
      <p><a routerLink="/">Back to campaigns</a></p>
    </section>
  `,
  styles: `
    .no-access {
      max-width: 560px;
      margin: 40px auto;
      padding: 20px 24px;
    }
    p {
      margin: 10px 0 0;
    }
  `,
})
export class NoAccess {}
