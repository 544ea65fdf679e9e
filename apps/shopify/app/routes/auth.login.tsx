import { useState } from 'react';
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { Button, Card, FormLayout, Page, Text, TextField } from '@shopify/polaris';
import { AppProvider } from '@shopify/shopify-app-remix/react';
import polarisStyles from '@shopify/polaris/build/esm/styles.css?url';
import { login } from '../shopify.server.ts';
import { loginErrorMessage } from '../lib/login-error-message.ts';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: polarisStyles }];

/** Non-embedded entry (App Store listing, direct visit): log in by shop domain. */
export async function loader({ request }: LoaderFunctionArgs) {
  return json({ errors: loginErrorMessage(await login(request)) });
}

export async function action({ request }: ActionFunctionArgs) {
  return json({ errors: loginErrorMessage(await login(request)) });
}

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState('');
  const { errors } = actionData ?? loaderData;
  return (
    <AppProvider isEmbeddedApp={false} apiKey="">
      <Page>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in
              </Text>
              <TextField type="text" name="shop" label="Shop domain" helpText="example.myshopify.com" value={shop} onChange={setShop} autoComplete="on" error={errors.shop} />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
