import { useId, type Ref } from 'react';
import { OrderDetails, OrderLines } from '../../components/order/OrderDetails';
import { RefundNotice } from '../../components/order/RefundNotice';
import { orderStatusWords, soldOutBeforePayment } from '../../components/order/orderStatus';
import { useConfig } from '../../config/ConfigContext';
import type { OrderView } from '../../lib/api';
import { orderStatusSentence } from './orderStatusSentence';

interface FoundOrderProps {
  order: OrderView;
  /** The heading, which takes focus when the order appears. */
  headingRef?: Ref<HTMLHeadingElement>;
}

/** The order as the server has it now: status in words, any refund, details, lines and totals. */
export function FoundOrder({ order, headingRef }: FoundOrderProps) {
  const { shippingCountries } = useConfig();
  const titleId = useId();
  const sentence = orderStatusSentence(order);
  return (
    <section className="found-order" aria-labelledby={titleId}>
      <h2 id={titleId} ref={headingRef} className="found-order__title" tabIndex={-1}>
        Order {order.orderNumber}
      </h2>
      {sentence && <p className="lede">{sentence}</p>}
      <RefundNotice order={order} />
      <OrderDetails order={order} countries={shippingCountries} status={orderStatusWords(order)} headingLevel={3} />
      <OrderLines
        order={order}
        title={soldOutBeforePayment(order) ? 'What you ordered' : 'Your books'}
        headingLevel={3}
      />
    </section>
  );
}
