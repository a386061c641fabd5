/**
 * One task, as the person looking at it may act on it. Which forms show is read off the caller's relation to the task
 * (services/tasks/access.ts) and the state machine's table (canMove); the services decide again when a form is sent.
 */
import type { FC } from 'hono/jsx';
import type { TaskView } from '../../db/queries/tasks';
import type { messageObject } from '../../services/tasks/message-object';
import { MESSAGE_STATUSES } from '../../services/tasks/messages';
import type { TaskRelation } from '../../services/tasks/access';
import { canMove } from '../../services/tasks/state-machine';
import { displayName } from '../../services/professionals';
import { Layout } from '../components/layout';
import { TaskFacts } from '../components/task-bits';
import type { WebSession } from '../session';
import { ApproveForm, MessageForm, PayForm, ReasonForm, SimpleActionForm, SubmitForm, type FailedForm, type FileItem } from './task-forms';

export type MessageItem = ReturnType<typeof messageObject>;

export interface TaskPageProps {
  session: WebSession;
  view: TaskView;
  relation: TaskRelation;
  messages: MessageItem[];
  /** The files uploaded to the task (none for a professional who has not taken it). */
  files: FileItem[];
  /** Signed download links of the task's files, by file id. */
  fileLinks: Record<string, string>;
  failed?: FailedForm;
  notice?: string;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const Deliverables: FC<{ view: TaskView; fileLinks: Record<string, string> }> = ({ view, fileLinks }) =>
  view.deliverables.length === 0 ? null : (
    <section class="card" aria-labelledby="deliverables-heading">
      <h2 id="deliverables-heading">{view.deliverables.length === 1 ? 'Submitted result' : 'Submitted results'}</h2>
      {[...view.deliverables].reverse().map((d, index) => (
        <article class="deliverable">
          <p class="muted">
            {index === 0 ? 'Latest, submitted' : 'Earlier, submitted'} {when(d.submittedAt.toISOString())}
          </p>
          <p class="pre">{d.text}</p>
          {d.attachments.length > 0 && (
            <ul>
              {d.attachments.map((a) => (
                <li>
                  <a href={(a.file_id && fileLinks[a.file_id]) || a.url} rel="noopener noreferrer">
                    {a.name}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </article>
      ))}
    </section>
  );

const MessageList: FC<{ messages: MessageItem[]; me: string }> = ({ messages, me }) =>
  messages.length === 0 ? (
    <p class="muted">No messages yet.</p>
  ) : (
    <>
      {messages.map((m) => (
        <div class={m.author.id === me ? 'message mine' : 'message'}>
          <p class="muted">
            {m.author.id === me ? 'You' : m.author.name} · {when(m.created_at)}
          </p>
          <p class="pre">{m.text}</p>
          {m.attachments.length > 0 && (
            <ul>
              {m.attachments.map((a) => (
                <li>
                  <a href={a.url} rel="noopener noreferrer">
                    {a.name}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </>
  );

/** The owner reads every professional's thread and answers in each while it is still writable. */
const OwnerMessages: FC<TaskPageProps> = ({ session, view, relation, messages, failed }) => {
  const threads = [...new Set(messages.map((m) => m.professional_id))];
  // Admins read every thread (they arbitrate disputes) and never write.
  const writable = (thread: string) =>
    relation === 'owner' &&
    MESSAGE_STATUSES.includes(view.task.status) && (view.task.professionalId === null || view.task.professionalId === thread);
  const nameOf = (thread: string) =>
    messages.find((m) => m.author.id === thread)?.author.name ??
    (view.professional?.id === thread ? displayName(view.professional.fullName) : 'a professional');
  return (
    <section class="card" aria-labelledby="messages-heading">
      <h2 id="messages-heading">Messages</h2>
      {threads.length === 0 && <p class="muted">No questions yet. Professionals who look at the task can ask you here.</p>}
      {threads.map((thread) => (
        <div class="thread">
          <h3>Conversation with {nameOf(thread)}</h3>
          <MessageList messages={messages.filter((m) => m.professional_id === thread)} me={session.caller.id} />
          {writable(thread) ? (
            <MessageForm session={session} view={view} scope={`reply-${thread}`} label={`Reply to ${nameOf(thread)}`} button="Send reply" professionalId={thread} failed={failed} />
          ) : (
            <p class="muted">This conversation is closed.</p>
          )}
        </div>
      ))}
    </section>
  );
};

/** A professional reads and writes their own thread with the owner. */
const ProfessionalMessages: FC<TaskPageProps> = ({ session, view, relation, messages, failed }) => (
  <section class="card" aria-labelledby="messages-heading">
    <h2 id="messages-heading">{relation === 'market' ? 'Questions to the client' : 'Messages with the client'}</h2>
    <MessageList messages={messages} me={session.caller.id} />
    {MESSAGE_STATUSES.includes(view.task.status) && (
      <MessageForm
        session={session}
        view={view}
        scope="message"
        label={relation === 'market' ? 'Your question' : 'Your message'}
        button={relation === 'market' ? 'Ask' : 'Send'}
        failed={failed}
      />
    )}
  </section>
);

const OwnerActions: FC<TaskPageProps> = ({ session, view, failed }) => {
  const status = view.task.status;
  return (
    <>
      {status === 'open' && view.task.fundingStatus !== 'funded' && <PayForm session={session} view={view} failed={failed} />}
      {status === 'open' && view.task.fundingStatus === 'funded' && (
        <p class="notice">Paid. The task is listed in the marketplace until a professional accepts it.</p>
      )}
      {status === 'submitted' && (
        <section class="card" aria-labelledby="review-heading">
          <h2 id="review-heading">Review the result</h2>
          <ApproveForm session={session} view={view} failed={failed} />
          <h3>Not quite right?</h3>
          <ReasonForm session={session} view={view} verb="request-revision" scope="revision" button="Request a revision" hint="What should change." failed={failed} />
        </section>
      )}
      {canMove('dispute', status) && (
        <section class="card" aria-labelledby="dispute-heading">
          <h2 id="dispute-heading">Dispute</h2>
          <ReasonForm session={session} view={view} verb="dispute" scope="dispute" button="Open a dispute" hint="The platform reads both sides and decides who is paid." failed={failed} />
        </section>
      )}
      {canMove('cancel', status) && (
        <section class="card">
          <SimpleActionForm session={session} view={view} verb="cancel" scope="cancel" label="Cancel task" danger failed={failed} />
        </section>
      )}
    </>
  );
};

const ProfessionalActions: FC<TaskPageProps> = ({ session, view, relation, files, failed }) => {
  const status = view.task.status;
  return (
    <>
      {relation === 'market' && (
        <section class="card">
          <SimpleActionForm session={session} view={view} verb="accept" scope="accept" label="Accept this task" failed={failed} />
        </section>
      )}
      {relation === 'assignee' && canMove('submit', status) && <SubmitForm session={session} view={view} files={files.filter((f) => f.uploadedBy === session.caller.id)} failed={failed} />}
      {relation === 'assignee' && status === 'submitted' && <p class="notice">Submitted. The client is reviewing your result.</p>}
      {relation === 'assignee' && canMove('dispute', status) && (
        <section class="card" aria-labelledby="dispute-heading">
          <h2 id="dispute-heading">Dispute</h2>
          <ReasonForm session={session} view={view} verb="dispute" scope="dispute" button="Open a dispute" hint="The platform reads both sides and decides who is paid." failed={failed} />
        </section>
      )}
    </>
  );
};

export const TaskPage: FC<TaskPageProps> = (props) => {
  const { session, view, relation, notice } = props;
  return (
    <Layout session={session}>
      <h1>{view.task.title}</h1>
      {notice && <p class="notice">{notice}</p>}
      <section class="card">
        <TaskFacts view={view} />
        <h2>Details</h2>
        <p class="pre">{view.task.description}</p>
      </section>
      {relation === 'owner' && <OwnerActions {...props} />}
      {(relation === 'market' || relation === 'assignee') && <ProfessionalActions {...props} />}
      {relation !== 'market' && <Deliverables view={view} fileLinks={props.fileLinks} />}
      {relation === 'owner' || relation === 'admin' ? <OwnerMessages {...props} /> : <ProfessionalMessages {...props} />}
    </Layout>
  );
};
